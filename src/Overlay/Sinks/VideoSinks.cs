namespace Lookout.Overlay.Sinks;

/// <summary>Chooses the video writer for a codec: OpenCV in-process, or ffmpeg for H.264.</summary>
public static class VideoSinks
{
    /// <summary>The <c>--codec</c> value that records H.264 through ffmpeg.</summary>
    public const string H264 = "h264";

    /// <exception cref="OutputException">The path is not writable, or the codec is unknown.</exception>
    public static IVideoSink Create(string path, double fps, string codec) =>
        string.Equals(codec, H264, StringComparison.OrdinalIgnoreCase)
            ? new FfmpegVideoSink(path, fps)
            : new VideoFileSink(path, fps, codec);
}
