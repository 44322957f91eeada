using System.Reactive.Disposables;

namespace Lookout.Capture.Flow;

/// <summary>
/// File-mode stage boundary: moves items to a dedicated thread through a bounded queue.
/// </summary>
/// <remarks>
/// Lossless and ordered. When the queue is full, the producer's <c>OnNext</c> blocks until the
/// consumer takes an item: that is the back-pressure that keeps memory flat while stages overlap.
/// Ownership of each item moves to the queue at <c>OnNext</c> and on to the downstream observer;
/// items still queued when the subscription is disposed, or when downstream fails, are disposed here.
/// </remarks>
public static class BoundedHop
{
    /// <param name="capacity">Items that may wait between the two stages.</param>
    /// <param name="threadName">Name of the consumer thread, for profilers and dumps.</param>
    public static IObservable<T> HopBounded<T>(this IObservable<T> source, int capacity, string threadName)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return OwnedObservable.Create<T>(observer =>
        {
            var hop = new Hop<T>(observer, capacity, threadName);
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
        private readonly T[] _ring;
        private readonly Thread _thread;
        private readonly object _gate = new();
        private int _head;
        private int _count;
        private bool _completed;
        private Exception? _error;
        private bool _disposed;

        public Hop(IObserver<T> downstream, int capacity, string threadName)
        {
            _downstream = downstream;
            _ring = new T[capacity];
            _thread = new Thread(Drain) { IsBackground = true, Name = threadName };
        }

        public IDisposable? Upstream { get; set; }

        public void Start() => _thread.Start();

        public void OnNext(T value)
        {
            lock (_gate)
            {
                while (_count == _ring.Length && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed || _completed)
                {
                    value.Dispose();
                    return;
                }

                _ring[(_head + _count) % _ring.Length] = value;
                _count++;
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
                DisposeQueued();
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
                    while (_count == 0 && !_completed && !_disposed)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_disposed)
                    {
                        return;
                    }

                    if (_count == 0)
                    {
                        break;
                    }

                    item = _ring[_head];
                    _ring[_head] = default!;
                    _head = (_head + 1) % _ring.Length;
                    _count--;
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

        private void DisposeQueued()
        {
            while (_count > 0)
            {
                _ring[_head].Dispose();
                _ring[_head] = default!;
                _head = (_head + 1) % _ring.Length;
                _count--;
            }
        }
    }
}
