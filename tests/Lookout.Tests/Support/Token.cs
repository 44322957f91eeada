namespace Lookout.Tests.Support;

/// <summary>Counts the tokens of one test that are still alive.</summary>
/// <remarks>One ledger per test, so tests running in parallel never see each other's tokens.</remarks>
public sealed class TokenLedger
{
    private long _live;

    public long Live => Interlocked.Read(ref _live);

    public Token Issue(int value) => new(value, this);

    internal void Add() => Interlocked.Increment(ref _live);

    internal void Remove() => Interlocked.Decrement(ref _live);
}

/// <summary>A disposable item that records its disposal, for ownership tests of operators.</summary>
public sealed class Token : IDisposable
{
    private readonly TokenLedger _ledger;
    private int _disposed;

    internal Token(int value, TokenLedger ledger)
    {
        Value = value;
        _ledger = ledger;
        ledger.Add();
    }

    public int Value { get; }

    public bool Disposed => Volatile.Read(ref _disposed) != 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ledger.Remove();
        }
    }
}
