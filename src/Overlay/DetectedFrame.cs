using Lookout.Capture;
using Lookout.Detection;

namespace Lookout.Overlay;

/// <summary>A frame together with what was detected in it and how long each stage took.</summary>
/// <remarks>
/// Owns <see cref="Frame"/>: disposing the detected frame disposes the frame. The detections
/// array is immutable by convention and may be kept after the frame is gone.
/// </remarks>
public sealed class DetectedFrame : IDisposable
{
    public DetectedFrame(Frame frame, Detection.Detection[] detections, DetectionTimings timings)
    {
        Frame = frame;
        Detections = detections;
        Timings = timings;
    }

    public Frame Frame { get; }

    public Detection.Detection[] Detections { get; }

    public DetectionTimings Timings { get; }

    /// <summary>Stale frames dropped before this one since the previous emitted frame (live mode).</summary>
    public long Dropped { get; init; }

    public void Dispose() => Frame.Dispose();
}
