namespace Lookout.Capture.Rtsp;

/// <summary>How to read one RTSP stream.</summary>
public sealed class RtspSourceOptions
{
    /// <summary>The stream, <c>rtsp://[user:password@]host[:port]/path</c>. Never logged unmasked.</summary>
    public required string Url { get; init; }

    /// <summary>Frame size to deliver; 0 (both) asks the stream with ffprobe. Frames are scaled to it if the stream changes size.</summary>
    public int Width { get; init; }

    /// <inheritdoc cref="Width"/>
    public int Height { get; init; }

    /// <summary>The stream's frame rate, when known without probing; 0: unknown (probed when the size is).</summary>
    public double Fps { get; init; }

    /// <summary>Stop after this many frames; 0 reads until stopped.</summary>
    public long MaxFrames { get; init; }

    /// <summary>No frame for this long (connecting included) counts as a lost stream: ffmpeg is ended and the stream reconnects.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Back-off between reconnect attempts, and when to give up.</summary>
    public ReconnectPolicy Reconnect { get; init; } = ReconnectPolicy.Default;

    /// <summary>The ffmpeg executable (a name on PATH or a path).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>The ffprobe executable (a name on PATH or a path).</summary>
    public string FfprobePath { get; init; } = "ffprobe";
}
