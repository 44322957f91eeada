using System.ComponentModel.DataAnnotations;

namespace Lookout.Capture;

/// <summary>The <c>Source</c> section: what to read frames from.</summary>
public sealed class SourceOptions
{
    public const string SectionName = "Source";

    /// <summary>A video file, an image file or a folder of images.</summary>
    public string? Input { get; set; }

    /// <summary>Stop after this many frames; 0 reads everything.</summary>
    [Range(0, long.MaxValue)]
    public long MaxFrames { get; set; }

    /// <summary>Stop after this long (live sources and files alike); zero runs to the end.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Duration { get; set; }

    /// <summary>Start a video file again from its first frame at its end, until stopped.</summary>
    public bool Loop { get; set; }

    /// <summary>
    /// watch and stream: play a video file at its own frame rate, as a camera delivers frames (the default); false
    /// reads it as fast as it decodes, still through the live pipeline, so the detector takes the newest frame and
    /// the rest are dropped and counted (an overloaded camera, on demand).
    /// </summary>
    public bool Realtime { get; set; } = true;

    /// <summary>Camera: the frame width to ask for (0: the camera's default).</summary>
    [Range(0, 16384)]
    public int Width { get; set; }

    /// <summary>Camera: the frame height to ask for (0: the camera's default).</summary>
    [Range(0, 16384)]
    public int Height { get; set; }

    /// <summary>Camera: the frame rate to ask for (0: the camera's default).</summary>
    [Range(0, 1000)]
    public double Fps { get; set; }

    /// <summary>Live streams: no frame for this long (connecting included) counts as a lost stream, which then reconnects.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Source:StallTimeout must be between 1 s and 1 day.")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Live streams: give up reconnecting after this many failed attempts (<c>5</c>) or this long
    /// without frames (<c>90s</c>, <c>10m</c>, <c>hh:mm:ss</c>); empty retries until stopped.
    /// </summary>
    public string? FailAfter { get; set; }

    /// <summary>
    /// Frames that may wait between two pipeline stages in file mode; 0 (the default) picks 16, fewer for frames so
    /// large that 16 would hold more than 64 MiB (at least 4).
    /// </summary>
    [Range(0, 256)]
    public int QueueCapacity { get; set; }
}
