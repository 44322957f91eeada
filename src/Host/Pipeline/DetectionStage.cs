using Lookout.Capture;
using Lookout.Capture.Flow;
using Lookout.Overlay;

namespace Lookout.Host.Pipeline;

/// <summary>The detector as an Rx operator: frames in, detected frames out.</summary>
public static class DetectionStage
{
    /// <remarks>
    /// Ownership: each input frame moves into the emitted <see cref="DetectedFrame"/>. When the
    /// detector throws, the frame is disposed here and the error ends the sequence; frames that
    /// still arrive after that are disposed too.
    /// </remarks>
    /// <param name="drops">Live mode: the gate's drop counter; each detected frame then carries the drops since the previous one.</param>
    public static IObservable<DetectedFrame> Detect(this IObservable<Frame> frames, DetectFunc detect, DropCounter? drops = null) =>
        OwnedObservable.Create<DetectedFrame>(observer => frames.Subscribe(new Stage(observer, detect, drops)));

    private sealed class Stage(IObserver<DetectedFrame> downstream, DetectFunc detect, DropCounter? drops) : IObserver<Frame>
    {
        private bool _faulted;
        private long _dropsSeen;

        public void OnNext(Frame frame)
        {
            if (_faulted)
            {
                frame.Dispose();
                return;
            }

            DetectedFrame result;
            try
            {
                var detections = detect(frame.Image, out var timings);
                var dropped = 0L;
                if (drops is not null)
                {
                    var total = drops.Total;
                    dropped = total - _dropsSeen;
                    _dropsSeen = total;
                }

                result = new DetectedFrame(frame, detections, timings) { Dropped = dropped };
            }
            catch (Exception e)
            {
                frame.Dispose();
                _faulted = true;
                downstream.OnError(e);
                return;
            }

            downstream.OnNext(result);
        }

        public void OnError(Exception error)
        {
            if (!_faulted)
            {
                _faulted = true;
                downstream.OnError(error);
            }
        }

        public void OnCompleted()
        {
            if (!_faulted)
            {
                downstream.OnCompleted();
            }
        }
    }
}
