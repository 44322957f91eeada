namespace Lookout.Capture.Flow;

/// <summary>
/// A fixed-capacity FIFO of owned items, the buffer between two pipeline stages. Not thread-safe:
/// its owner (a hop) guards it. With capacity 1 and <see cref="EnqueueDroppingOldest"/> it is the
/// live pipeline's newest-frame gate: the consumer always gets the most recent item.
/// </summary>
public sealed class FrameQueue<T>
    where T : IDisposable
{
    private readonly T[] _ring;
    private int _head;

    public FrameQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new T[capacity];
    }

    public int Count { get; private set; }

    public int Capacity => _ring.Length;

    public bool IsFull => Count == _ring.Length;

    /// <summary>Items disposed by <see cref="EnqueueDroppingOldest"/> so far.</summary>
    public long Dropped { get; private set; }

    /// <summary>Adds an item; the queue must not be full.</summary>
    public void Enqueue(T item)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("The queue is full.");
        }

        _ring[(_head + Count) % _ring.Length] = item;
        Count++;
    }

    /// <summary>Adds an item, disposing the oldest waiting one first when full. Returns whether one was dropped.</summary>
    public bool EnqueueDroppingOldest(T item)
    {
        var dropped = false;
        if (IsFull && TryDequeue(out var oldest))
        {
            oldest.Dispose();
            Dropped++;
            dropped = true;
        }

        Enqueue(item);
        return dropped;
    }

    public bool TryDequeue(out T item)
    {
        if (Count == 0)
        {
            item = default!;
            return false;
        }

        item = _ring[_head];
        _ring[_head] = default!;
        _head = (_head + 1) % _ring.Length;
        Count--;
        return true;
    }

    /// <summary>Disposes every waiting item (on teardown).</summary>
    public void DisposeAll()
    {
        while (TryDequeue(out var item))
        {
            item.Dispose();
        }
    }
}
