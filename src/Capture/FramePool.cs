using System.Collections.Concurrent;
using OpenCvSharp;

namespace Lookout.Capture;

/// <summary>
/// Recycles frame buffers so that steady-state capture allocates no new pixel memory:
/// <c>VideoCapture.Read</c> into a rented Mat of the right size reuses its buffer.
/// </summary>
/// <remarks>
/// A rented Mat belongs to the caller until it is handed to a <see cref="Frame"/>, which gives
/// it back on dispose. Buffers beyond <see cref="Capacity"/> are disposed instead of kept.
/// </remarks>
public sealed class FramePool : IDisposable
{
    private readonly ConcurrentBag<Mat> _free = new();
    private int _count;
    private bool _disposed;

    public FramePool(int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>A Mat to read into; its size is whatever it last held (empty when new).</summary>
    public Mat Rent()
    {
        if (_free.TryTake(out var mat))
        {
            Interlocked.Decrement(ref _count);
            return mat;
        }

        return new Mat();
    }

    /// <summary>Gives a buffer back; the caller must not touch it afterwards.</summary>
    public void Return(Mat mat)
    {
        if (Volatile.Read(ref _disposed) || Interlocked.Increment(ref _count) > Capacity)
        {
            if (!Volatile.Read(ref _disposed))
            {
                Interlocked.Decrement(ref _count);
            }

            mat.Dispose();
            return;
        }

        _free.Add(mat);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_free.TryTake(out var mat))
        {
            mat.Dispose();
        }
    }
}
