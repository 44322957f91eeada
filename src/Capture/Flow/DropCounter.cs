namespace Lookout.Capture.Flow;

/// <summary>Counts stale items a live stage disposed instead of processing; read from any thread.</summary>
public sealed class DropCounter
{
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Add() => Interlocked.Increment(ref _total);
}
