using System.Reactive.Disposables;
using Lookout.Capture.Flow;

namespace Lookout.Capture;

/// <summary>
/// Base of the sources: runs <see cref="Produce"/> on a dedicated thread per subscription and
/// turns its end into <c>OnCompleted</c> and its failure into <c>OnError</c>.
/// </summary>
/// <remarks>
/// A file source blocks inside <c>OnNext</c> while downstream queues are full; that blocking is
/// the back-pressure of file mode, so the producer needs a thread of its own, not the pool.
/// </remarks>
public abstract class FrameSource : IFrameSource
{
    private int _subscribed;

    public abstract SourceInfo Info { get; }

    public IObservable<Frame> Frames(CancellationToken stop = default) =>
        OwnedObservable.Create<Frame>(observer =>
        {
            if (Interlocked.Exchange(ref _subscribed, 1) == 1)
            {
                throw new InvalidOperationException($"{Info.Name} can be read by one subscriber at a time; share it with Publish().RefCount().");
            }

            var abort = new CancellationTokenSource();
            var thread = new Thread(() => Run(observer, stop, abort.Token))
            {
                IsBackground = true,
                Name = "lookout-capture",
            };
            thread.Start();
            return Disposable.Create(() =>
            {
                abort.Cancel();

                // Wait for the reader to leave the capture object, so the caller may dispose the
                // source right after unsubscribing.
                if (Thread.CurrentThread != thread)
                {
                    thread.Join();
                }

                Volatile.Write(ref _subscribed, 0);
            });
        });

    /// <summary>
    /// Emits frames until the source ends, <paramref name="stop"/> or <paramref name="abort"/> is
    /// signalled. Ownership of each frame passes to <paramref name="observer"/> at <c>OnNext</c>.
    /// </summary>
    protected abstract void Produce(IObserver<Frame> observer, CancellationToken stop, CancellationToken abort);

    public abstract void Dispose();

    private void Run(IObserver<Frame> observer, CancellationToken stop, CancellationToken abort)
    {
        try
        {
            Produce(observer, stop, abort);
        }
        catch (Exception e) when (e is SourceException or OpenCvSharp.OpenCVException or IOException)
        {
            // Reported, not swallowed: the pipeline fails with the source's own error.
            if (!abort.IsCancellationRequested)
            {
                observer.OnError(e);
            }

            return;
        }

        if (!abort.IsCancellationRequested)
        {
            observer.OnCompleted();
        }
    }
}
