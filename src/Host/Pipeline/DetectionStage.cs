using System.Reactive.Linq;
using Lookout.Capture;
using Lookout.Overlay;

namespace Lookout.Host.Pipeline;

/// <summary>The detector as an Rx operator: frames in, detected frames out.</summary>
public static class DetectionStage
{
    /// <remarks>
    /// Ownership: each input frame moves into the emitted <see cref="DetectedFrame"/>. When the
    /// detector throws, the frame is disposed here and the error ends the sequence.
    /// </remarks>
    public static IObservable<DetectedFrame> Detect(this IObservable<Frame> frames, DetectFunc detect) =>
        frames.Select(frame =>
        {
            try
            {
                var detections = detect(frame.Image, out var timings);
                return new DetectedFrame(frame, detections, timings);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        });
}
