namespace Lookout.Tests.Support;

/// <summary>The test process's own child processes by name, from <c>/proc</c>: finds leaked (or zombie) ffmpeg children.</summary>
public static class ChildProcesses
{
    /// <summary>Children of this process named <paramref name="name"/>, zombies included.</summary>
    public static IReadOnlyList<int> Named(string name)
    {
        var found = new List<int>();
        if (!Directory.Exists("/proc"))
        {
            return found;
        }

        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid …": comm may contain spaces, so split after its closing parenthesis.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open)
            {
                continue;
            }

            var fields = stat[(close + 2)..].Split(' ');
            if (stat[(open + 1)..close] == name && fields.Length > 1 && int.TryParse(fields[1], out var ppid) && ppid == self)
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Processes anywhere on the machine named <paramref name="name"/> whose command line contains <paramref name="fragment"/> (a unique port, say).</summary>
    public static IReadOnlyList<int> WithCommandLine(string name, string fragment)
    {
        var found = new List<int>();
        if (!Directory.Exists("/proc"))
        {
            return found;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var comm = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (comm == name && commandLine.Contains(fragment, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits (a few seconds at most) until no child named <paramref name="name"/> is left, and asserts it.</summary>
    public static void AssertNone(string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Named(name).Count > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.Empty(Named(name));
    }
}
