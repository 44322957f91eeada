using System.ComponentModel.DataAnnotations;

namespace Lookout.Host.Verbs;

/// <summary>What <c>lookout bench</c> measures; section <c>Bench</c>.</summary>
public sealed class BenchOptions
{
    public const string SectionName = "Bench";

    /// <summary>Frames of the video each side of a comparison runs over (fewer when the video is shorter).</summary>
    [Range(2, 1_000_000, ErrorMessage = "Bench:Frames (--frames) must be at least 2.")]
    public int Frames { get; set; } = 200;

    /// <summary>At most this many of those frames are held in memory for the ONNX Runtime vs OpenCV DNN comparison.</summary>
    [Range(1, 1000, ErrorMessage = "Bench:EngineFrames must be from 1 to 1000.")]
    public int EngineFrames { get; set; } = 40;

    /// <summary>Also write the report as JSON here.</summary>
    public string? Json { get; set; }
}
