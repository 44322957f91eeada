using System.Diagnostics;

namespace Lookout.Tests.Support;

/// <summary>
/// A loopback RTSP server (GstRtspServer in a <c>/usr/bin/python3</c> child process) serving a moving
/// H.264 test pattern, which tests can kill and restart on the same port.
/// </summary>
/// <remarks>The server exits by itself when its standard input closes, so a crashed test run leaves no server behind.</remarks>
public sealed class RtspTestServer : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> s_skipReason = new(FindSkipReason);
    private readonly int _width;
    private readonly int _height;
    private readonly int _fps;
    private Process? _process;

    private RtspTestServer(int width, int height, int fps)
    {
        _width = width;
        _height = height;
        _fps = fps;
    }

    /// <summary>Why the server cannot run here, or null when it can.</summary>
    public static string? SkipReason => s_skipReason.Value;

    public int Port { get; private set; }

    /// <summary>The stream's URL, with optional credentials (the server does not ask for any, so they are never sent).</summary>
    public string Url(string? userInfo = null) => $"rtsp://{(userInfo is null ? string.Empty : userInfo + "@")}127.0.0.1:{Port}/test";

    public static RtspTestServer Start(int width = 160, int height = 120, int fps = 10)
    {
        var server = new RtspTestServer(width, height, fps);
        server.Launch(0);
        return server;
    }

    /// <summary>Kills the server abruptly (SIGKILL), as a crashed camera or a pulled cable would end a stream.</summary>
    public void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        process.Dispose();
    }

    /// <summary>Starts the server again on the same port.</summary>
    public void Restart()
    {
        Kill();

        // The port was just released; retry briefly in case the kernel still holds it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                Launch(Port);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500);
            }
        }
    }

    public void Dispose() => Kill();

    private void Launch(int port)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Support", "rtsp-test-server.py");
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, port.ToString(), _width.ToString(), _height.ToString(), _fps.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("the RTSP test server did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result is not { } line || !line.StartsWith("ready ", StringComparison.Ordinal))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
            var error = stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result : string.Empty;
            process.Dispose();
            throw new InvalidOperationException($"the RTSP test server did not become ready on port {port}: {error.Trim()}");
        }

        Port = int.Parse(line["ready ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        _process = process;
    }

    private static string? FindSkipReason()
    {
        const string install = "run 'eng/install-deps.sh test' (Debian packages gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-base/-good/-ugly, python3-gi, ffmpeg)";
        foreach (var tool in new[] { "ffmpeg", "ffprobe" })
        {
            if (!OnPath(tool))
            {
                return $"{tool} is not installed; {install}";
            }
        }

        if (!File.Exists(Python))
        {
            return $"{Python} is missing; the loopback RTSP server needs it: {install}";
        }

        var check = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        check.ArgumentList.Add("-c");
        check.ArgumentList.Add(
            "import gi, sys; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); " +
            "from gi.repository import Gst, GstRtspServer; Gst.init(None); " +
            "missing = [e for e in ('videotestsrc', 'x264enc', 'rtph264pay') if Gst.ElementFactory.find(e) is None]; " +
            "sys.exit('missing GStreamer elements: ' + ', '.join(missing) if missing else 0)");
        using var process = Process.Start(check);
        if (process is null)
        {
            return $"{Python} did not start";
        }

        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            return "checking the GStreamer RTSP server packages timed out";
        }

        return process.ExitCode == 0 ? null : $"the loopback RTSP server cannot run ({LastLine(error.Result)}); {install}";
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
}
