namespace Lookout.Overlay.Sinks;

/// <summary>Chooses the video writer for a codec and an encoder preference.</summary>
public static class VideoSinks
{
    /// <summary>The <c>--codec</c> value that records H.264 through ffmpeg.</summary>
    public const string H264 = "h264";

    /// <summary>The default codec: MPEG-4 Part 2, which OpenCV and ffmpeg both write.</summary>
    public const string Mp4v = "mp4v";

    /// <summary><c>--encoder</c>: ffmpeg for mp4v when it is on the PATH, else OpenCV.</summary>
    public const string Auto = "auto";

    /// <summary><c>--encoder</c>: OpenCV's <c>VideoWriter</c> in-process.</summary>
    public const string OpenCv = "opencv";

    /// <summary><c>--encoder</c>: an ffmpeg child process.</summary>
    public const string Ffmpeg = "ffmpeg";

    private static readonly Lazy<bool> FfmpegOnPath = new(() => Locate("ffmpeg") is not null);

    /// <summary>Whether an <c>ffmpeg</c> executable is on the PATH.</summary>
    public static bool FfmpegAvailable => FfmpegOnPath.Value;

    /// <summary>
    /// H.264 always goes through ffmpeg (OpenCV has no H.264 encoder here). mp4v goes through ffmpeg when
    /// <paramref name="encoder"/> is <c>ffmpeg</c>, or <c>auto</c> and ffmpeg is installed: its MPEG-4 encoder runs in its
    /// own process, on another core, at about half the CPU time of the OpenCV build's, for a file of the same size.
    /// Other four-character codes (MJPG, XVID, DIVX) use OpenCV.
    /// </summary>
    /// <exception cref="OutputException">The path is not writable, or the codec is unknown.</exception>
    public static IVideoSink Create(string path, double fps, string codec, string encoder = Auto)
    {
        if (string.Equals(codec, H264, StringComparison.OrdinalIgnoreCase))
        {
            return new FfmpegVideoSink(path, fps, H264);
        }

        var viaFfmpeg = string.Equals(codec, Mp4v, StringComparison.OrdinalIgnoreCase)
            && (string.Equals(encoder, Ffmpeg, StringComparison.OrdinalIgnoreCase)
                || (string.Equals(encoder, Auto, StringComparison.OrdinalIgnoreCase) && FfmpegAvailable));
        return viaFfmpeg ? new FfmpegVideoSink(path, fps, Mp4v) : new VideoFileSink(path, fps, codec);
    }

    /// <summary>The writer <see cref="Create"/> picks, in words, for logs and reports.</summary>
    public static string Describe(IVideoSink sink) => sink switch
    {
        FfmpegVideoSink f => $"ffmpeg {f.Codec} (child process)",
        VideoFileSink v => $"OpenCV VideoWriter {v.Codec}",
        _ => sink.GetType().Name,
    };

    /// <summary>
    /// The executable's full path: <paramref name="name"/> itself when it names a file, else the first match on the
    /// PATH (with <c>.exe</c> on Windows); null when there is none.
    /// </summary>
    public static string? Locate(string name)
    {
        if (name.Contains(System.IO.Path.DirectorySeparatorChar) || name.Contains(System.IO.Path.AltDirectorySeparatorChar))
        {
            return File.Exists(name) ? System.IO.Path.GetFullPath(name) : null;
        }

        if (OperatingSystem.IsWindows() && !name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase))
        {
            name += ".exe";
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
