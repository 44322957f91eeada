namespace Lookout.Capture.Flow;

/// <summary>
/// <c>Observable.Create</c> for sequences of owned items (frames): the subscriber's observer is
/// handed to <paramref name="subscribe"/> as it is, not wrapped.
/// </summary>
/// <remarks>
/// Rx's own <c>Create</c> wraps the observer in one that silently drops every <c>OnNext</c> once
/// the subscription is disposed. For owned items that is a leak: a frame emitted while the chain is
/// being torn down would never be disposed. The pipeline's observers (hops, stages, the output
/// stage) dispose an item they no longer want instead, so they must always receive it.
/// </remarks>
public static class OwnedObservable
{
    public static IObservable<T> Create<T>(Func<IObserver<T>, IDisposable> subscribe)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        return new Anonymous<T>(subscribe);
    }

    private sealed class Anonymous<T>(Func<IObserver<T>, IDisposable> subscribe) : IObservable<T>
    {
        public IDisposable Subscribe(IObserver<T> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            return subscribe(observer);
        }
    }
}
