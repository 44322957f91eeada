using System.Reactive.Disposables;

namespace Lookout.Capture.Flow;

/// <summary>
/// Stage boundaries: move items to a dedicated consumer thread through a bounded queue.
/// </summary>
/// <remarks>
/// Ownership of each item moves to the queue at <c>OnNext</c> and on to the downstream observer;
/// items still queued when the subscription is disposed, or when downstream fails, are disposed here.
/// </remarks>
public static class BoundedHop
{
    /// <summary>
    /// File mode: lossless and ordered. When the queue is full, the producer's <c>OnNext</c> blocks
    /// until the consumer takes an item: the back-pressure that keeps memory flat while stages overlap.
    /// </summary>
    /// <param name="capacity">Items that may wait between the two stages.</param>
    /// <param name="threadName">Name of the consumer thread, for profilers and dumps.</param>
    public static IObservable<T> HopBounded<T>(this IObservable<T> source, int capacity, string threadName)
        where T : IDisposable => Create(source, capacity, threadName, drops: null);

    /// <summary>
    /// Live mode: the producer never blocks. When the consumer is busy and <paramref name="capacity"/>
    /// items already wait, the oldest is disposed and counted in <paramref name="drops"/>, so the
    /// consumer always takes the newest items and their age stays bounded by its own pace.
    /// </summary>
    public static IObservable<T> HopNewest<T>(this IObservable<T> source, string threadName, DropCounter drops, int capacity = 1)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(drops);
        return Create(source, capacity, threadName, drops);
    }

    private static IObservable<T> Create<T>(IObservable<T> source, int capacity, string threadName, DropCounter? drops)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return OwnedObservable.Create<T>(observer =>
        {
            var hop = new Hop<T>(observer, capacity, threadName, drops);
            var upstream = new SingleAssignmentDisposable();
            hop.Upstream = upstream;
            hop.Start();
            upstream.Disposable = source.Subscribe(hop);
            return hop;
        });
    }

    private sealed class Hop<T> : IObserver<T>, IDisposable
        where T : IDisposable
    {
        private readonly IObserver<T> _downstream;
        private readonly FrameQueue<T> _queue;
        private readonly DropCounter? _drops;
        private readonly Thread _thread;
        private readonly object _gate = new();
        private bool _completed;
        private Exception? _error;
        private bool _disposed;

        public Hop(IObserver<T> downstream, int capacity, string threadName, DropCounter? drops)
        {
            _downstream = downstream;
            _queue = new FrameQueue<T>(capacity);
            _drops = drops;
            _thread = new Thread(Drain) { IsBackground = true, Name = threadName };
        }

        public IDisposable? Upstream { get; set; }

        public void Start() => _thread.Start();

        public void OnNext(T value)
        {
            lock (_gate)
            {
                while (_drops is null && _queue.IsFull && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed || _completed)
                {
                    value.Dispose();
                    return;
                }

                if (_drops is null)
                {
                    _queue.Enqueue(value);
                }
                else if (_queue.EnqueueDroppingOldest(value))
                {
                    _drops.Add();
                }

                Monitor.PulseAll(_gate);
            }
        }

        public void OnError(Exception error)
        {
            lock (_gate)
            {
                if (_completed)
                {
                    return;
                }

                _error = error;
                _completed = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void OnCompleted()
        {
            lock (_gate)
            {
                _completed = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _queue.DisposeAll();
                Monitor.PulseAll(_gate);
            }

            // The consumer may be inside downstream code (a detector, an encoder); wait for it so
            // that whoever unsubscribed can dispose those resources safely.
            if (Thread.CurrentThread != _thread && _thread.IsAlive)
            {
                _thread.Join();
            }

            Upstream?.Dispose();
        }

        private void Drain()
        {
            while (true)
            {
                T item;
                lock (_gate)
                {
                    while (_queue.Count == 0 && !_completed && !_disposed)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_disposed)
                    {
                        return;
                    }

                    if (!_queue.TryDequeue(out item))
                    {
                        break;
                    }

                    Monitor.PulseAll(_gate);
                }

                try
                {
                    _downstream.OnNext(item);
                }
                catch (Exception e)
                {
                    // Downstream broke the Rx contract by throwing; end the sequence with its error
                    // instead of killing this thread and leaving the producer blocked forever.
                    Dispose();
                    _downstream.OnError(e);
                    return;
                }
            }

            if (_error is null)
            {
                _downstream.OnCompleted();
            }
            else
            {
                _downstream.OnError(_error);
            }
        }
    }
}
