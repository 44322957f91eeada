namespace Lookout.Capture;

/// <summary>Something that produces frames: a video file, an image folder, a camera, a stream.</summary>
public interface IFrameSource : IDisposable
{
    SourceInfo Info { get; }

    /// <summary>
    /// Frames in order, produced on a dedicated thread. Each emitted frame is owned by the
    /// observer from the moment <c>OnNext</c> is called. <paramref name="stop"/> ends the sequence
    /// gracefully with <c>OnCompleted</c> (drain and finalize); disposing the subscription aborts it.
    /// </summary>
    IObservable<Frame> Frames(CancellationToken stop = default);
}
