using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Lookout.Tests.Support;

/// <summary>
/// Runs the built <c>lookout</c> executable as a child process, for what only a real process shows:
/// signals, exit codes, files finalized on the way out.
/// </summary>
public sealed partial class LookoutProcess : IDisposable
{
    private const int SigInt = 2;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    private LookoutProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>
    /// Why Ctrl+C cannot reach lookout from this test process, or null. A command a non-interactive shell
    /// starts in the background (<c>cmd &amp;</c>) ignores SIGINT, and ignored signals are inherited, so lookout
    /// would never see it (its ffmpeg children, which install their own handler, still would).
    /// </summary>
    public static string? SigintSkipReason { get; } = SigintIgnored()
        ? "SIGINT is ignored by this test process (started in the background by a non-interactive shell) and so by lookout; run the tests in the foreground"
        : null;

    /// <summary>The Host build beside this test build (same configuration), or null when it is not built.</summary>
    public static string? HostAssembly
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = testBin.Name;
            var configuration = testBin.Parent?.Name;
            for (var dir = testBin; dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Lookout.slnx")))
                {
                    var dll = Path.Combine(dir.FullName, "src", "Host", "bin", configuration ?? "Debug", framework, "lookout.dll");
                    return File.Exists(dll) ? dll : null;
                }
            }

            return null;
        }
    }

    /// <summary>lookout's process id (setsid runs it in place).</summary>
    public int Id => _process.Id;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public static LookoutProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var dll = HostAssembly ?? throw new InvalidOperationException("src/Host is not built");

        // setsid makes lookout the leader of a process group of its own, as a shell makes a foreground job, so that
        // Interrupt can signal the whole group the way Ctrl+C in a terminal does (children included).
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new LookoutProcess(Process.Start(info) ?? throw new InvalidOperationException("lookout did not start"));
    }

    /// <summary>Waits until standard error contains <paramref name="text"/>.</summary>
    public bool WaitForError(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (StandardError.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                return StandardError.Contains(text, StringComparison.Ordinal);
            }

            Thread.Sleep(50);
        }

        return false;
    }

    private static bool SigintIgnored()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGINT to lookout's process group (lookout and the children it started), as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        if (kill(-_process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill(SIGINT) failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The exit code, or null if it did not exit in time (it is then killed).</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            return null;
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
