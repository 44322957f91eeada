using System.Diagnostics;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Lookout.Tests.Support;

/// <summary>
/// One Xvfb server for the whole test process, made the process's <c>DISPLAY</c>, and screenshots of it
/// taken by <c>ffmpeg -f x11grab</c>. HighGUI reads <c>DISPLAY</c> once, when its first window opens.
/// </summary>
public static partial class VirtualDisplay
{
    public const int Width = 800;
    public const int Height = 600;

    private static readonly Lazy<string?> s_display = new(Start);
    private static Process? s_server;

    /// <summary>The display name (<c>:N</c>), or null when Xvfb or ffmpeg is missing.</summary>
    public static string? Display => s_display.Value;

    public static string SkipReason => "Xvfb and ffmpeg (x11grab) are needed for window tests: run eng/install-deps.sh test";

    /// <summary>A screenshot of the whole virtual screen, BGR.</summary>
    public static Mat Screenshot()
    {
        var display = Display ?? throw new InvalidOperationException(SkipReason);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lookout-screen-{Guid.NewGuid():N}.png");
        try
        {
            Run("ffmpeg", "-loglevel", "error", "-y", "-f", "x11grab", "-video_size", $"{Width}x{Height}", "-i", display + ".0", "-frames:v", "1", path);
            return Cv2.ImRead(path, ImreadModes.Color);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string? Start()
    {
        if (!OnPath("Xvfb") || !OnPath("ffmpeg"))
        {
            return null;
        }

        // -displayfd: the server picks a free display number and writes it to the given descriptor (stdout).
        var info = new ProcessStartInfo("Xvfb")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-displayfd", "1", "-screen", "0", $"{Width}x{Height}x24", "-nolisten", "tcp" })
        {
            info.ArgumentList.Add(arg);
        }

        s_server = Process.Start(info) ?? throw new InvalidOperationException("Xvfb did not start");
        s_server.ErrorDataReceived += (_, _) => { };
        s_server.BeginErrorReadLine();
        var number = s_server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        if (string.IsNullOrWhiteSpace(number))
        {
            throw new InvalidOperationException("Xvfb did not report its display number");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        var display = ":" + number.Trim();
        // .NET keeps its own copy of the environment on Unix; GTK reads the C library's.
        Environment.SetEnvironmentVariable("DISPLAY", display);
        if (setenv("DISPLAY", display, 1) != 0)
        {
            throw new InvalidOperationException("setenv(DISPLAY) failed");
        }

        return display;
    }

    private static void Stop()
    {
        try
        {
            if (s_server is { HasExited: false })
            {
                s_server.Kill();
                s_server.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var error = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30_000) || p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {error}");
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    public static bool OnPath(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(System.IO.Path.Combine(d, file)));
}
