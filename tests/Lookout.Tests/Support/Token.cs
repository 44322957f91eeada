namespace Lookout.Tests.Support;

/// <summary>A disposable item that records its disposal, for ownership tests of operators.</summary>
public sealed class Token : IDisposable
{
    private static long s_live;

    public Token(int value)
    {
        Value = value;
        Interlocked.Increment(ref s_live);
    }

    public static long Live => Interlocked.Read(ref s_live);

    public int Value { get; }

    public bool Disposed { get; private set; }

    public void Dispose()
    {
        if (!Disposed)
        {
            Disposed = true;
            Interlocked.Decrement(ref s_live);
        }
    }
}
