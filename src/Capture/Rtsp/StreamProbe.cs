using System.Diagnostics;
using System.Globalization;

namespace Lookout.Capture.Rtsp;

/// <summary>Asks a stream its video size and frame rate with <c>ffprobe</c>, before any frame is read.</summary>
internal static class StreamProbe
{
    /// <summary>What the probe found: the size, and the frame rate (0 when the stream does not say).</summary>
    public readonly record struct Result(int Width, int Height, double Fps);

    /// <summary>Probes once. Returns null with a masked <paramref name="failure"/> when the stream cannot be read.</summary>
    /// <exception cref="SourceException">ffprobe is not installed.</exception>
    public static Result? TryProbe(string ffprobe, string url, TimeSpan timeout, CancellationToken cancel, out string failure)
    {
        var info = new ProcessStartInfo(ffprobe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (ReadOnlySpan<string>)[
            "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0",
            "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate", "-of", "default=noprint_wrappers=1", url,
        ])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = FfmpegFrameReader.StartProcess(info, "ffprobe", url);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (cancel.Register(static p => KillQuietly((Process)p!), process))
        {
            if (!process.WaitForExit(timeout))
            {
                KillQuietly(process);
                process.WaitForExit();
                failure = $"no answer within {timeout.TotalSeconds:0.#} s";
                return null;
            }
        }

        process.WaitForExit();
        var output = stdout.GetAwaiter().GetResult();
        var error = UrlMasking.MaskCredentials(LastLine(stderr.GetAwaiter().GetResult()));
        if (cancel.IsCancellationRequested)
        {
            failure = "stopped";
            return null;
        }

        var result = Parse(output);
        if (process.ExitCode != 0 || result is null)
        {
            failure = process.ExitCode != 0
                ? $"ffprobe exited with code {process.ExitCode}{(error.Length > 0 ? ": " + error : string.Empty)}"
                : "the stream has no video";
            return null;
        }

        failure = string.Empty;
        return result;
    }

    /// <summary>Reads ffprobe's <c>key=value</c> lines.</summary>
    internal static Result? Parse(string output)
    {
        int width = 0, height = 0;
        double avg = 0, nominal = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..];
            switch (line[..eq])
            {
                case "width":
                    _ = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out width);
                    break;
                case "height":
                    _ = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out height);
                    break;
                case "avg_frame_rate":
                    avg = Rate(value);
                    break;
                case "r_frame_rate":
                    nominal = Rate(value);
                    break;
            }
        }

        if (width <= 0 || height <= 0)
        {
            return null;
        }

        var fps = avg is > 0 and < 1000 ? avg : nominal is > 0 and < 1000 ? nominal : 0;
        return new Result(width, height, fps);
    }

    private static double Rate(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }

        return double.TryParse(text[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && double.TryParse(text[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0
            ? n / d
            : 0;
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? lines[^1] : string.Empty;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
