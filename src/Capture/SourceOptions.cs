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

    /// <summary>Frames that may wait between two pipeline stages in file mode.</summary>
    [Range(1, 256)]
    public int QueueCapacity { get; set; } = 4;
}
