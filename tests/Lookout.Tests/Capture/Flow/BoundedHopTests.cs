using System.Reactive.Linq;
using System.Reactive.Subjects;
using Lookout.Capture.Flow;
using Lookout.Tests.Support;

namespace Lookout.Tests.Capture.Flow;

public sealed class BoundedHopTests
{
    [Fact]
    public async Task HopBounded_ManyItems_DeliversAllInOrderOnAnotherThread()
    {
        var ledger = new TokenLedger();
        var producerThread = Environment.CurrentManagedThreadId;
        var seen = new List<int>();
        var threads = new HashSet<int>();
        var source = Observable.Range(0, 500).Select(i => ledger.Issue(i));

        await source.HopBounded(3, "test-hop").Do(t =>
        {
            seen.Add(t.Value);
            threads.Add(Environment.CurrentManagedThreadId);
            t.Dispose();
        }).LastOrDefaultAsync();

        Assert.Equal(Enumerable.Range(0, 500), seen);
        Assert.DoesNotContain(producerThread, threads);
        Assert.Single(threads);
    }

    [Fact]
    public void HopBounded_SlowConsumer_BlocksProducerAtCapacity()
    {
        var ledger = new TokenLedger();
        using var release = new ManualResetEventSlim();
        var subject = new Subject<Token>();
        var received = 0;
        using var sub = subject.HopBounded(2, "test-hop").Subscribe(t =>
        {
            release.Wait();
            Interlocked.Increment(ref received);
            t.Dispose();
        });

        var pushed = 0;
        var producer = new Thread(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                subject.OnNext(ledger.Issue(i));
                Interlocked.Increment(ref pushed);
            }

            subject.OnCompleted();
        });
        producer.Start();

        // One item in the consumer's hands, two queued, and the fourth OnNext blocks.
        SpinWait.SpinUntil(() => Volatile.Read(ref pushed) >= 3, TimeSpan.FromSeconds(5));
        Thread.Sleep(200);
        Assert.Equal(3, Volatile.Read(ref pushed));

        release.Set();
        Assert.True(producer.Join(TimeSpan.FromSeconds(5)));
        SpinWait.SpinUntil(() => Volatile.Read(ref received) == 10, TimeSpan.FromSeconds(5));
        Assert.Equal(10, received);
    }

    [Fact]
    public void HopBounded_DisposedWithQueuedItems_DisposesThem()
    {
        var ledger = new TokenLedger();
        using var gate = new ManualResetEventSlim();
        var subject = new Subject<Token>();
        var sub = subject.HopBounded(4, "test-hop").Subscribe(t =>
        {
            gate.Wait(TimeSpan.FromSeconds(5));
            t.Dispose();
        });
        var tokens = Enumerable.Range(0, 5).Select(i => ledger.Issue(i)).ToArray();
        foreach (var t in tokens)
        {
            subject.OnNext(t);
        }

        gate.Set();
        sub.Dispose();

        // Whatever the consumer had not taken was disposed by the hop; nothing is left alive.
        Assert.Equal(0, ledger.Live);
        Assert.All(tokens, t => Assert.True(t.Disposed));
    }

    [Fact]
    public async Task HopBounded_DownstreamThrows_EndsWithErrorAndDisposesQueued()
    {
        var ledger = new TokenLedger();
        // An owned source, like the capture sources: Rx's Select would drop a token it created while
        // its sink was being disposed, and the leak would be the test's, not the hop's.
        var source = OwnedObservable.Create<Token>(observer =>
        {
            for (var i = 0; i < 50; i++)
            {
                observer.OnNext(ledger.Issue(i));
            }

            observer.OnCompleted();
            return System.Reactive.Disposables.Disposable.Empty;
        });
        var failing = source.HopBounded(4, "test-hop").Select(t =>
        {
            t.Dispose();
            return t.Value == 3 ? throw new InvalidDataException("boom") : t.Value;
        });

        await Assert.ThrowsAsync<InvalidDataException>(async () => await failing.LastOrDefaultAsync());
        SpinWait.SpinUntil(() => ledger.Live == 0, TimeSpan.FromSeconds(5));
        Assert.Equal(0, ledger.Live);
    }

    [Fact]
    public async Task HopBounded_SourceError_DeliversQueuedItemsThenError()
    {
        var ledger = new TokenLedger();
        var source = Observable.Range(0, 3).Select(i => ledger.Issue(i)).Concat(Observable.Throw<Token>(new IOException("read failed")));
        var seen = new List<int>();

        var error = await Assert.ThrowsAsync<IOException>(async () => await source.HopBounded(8, "test-hop").Do(t =>
        {
            seen.Add(t.Value);
            t.Dispose();
        }).LastOrDefaultAsync());

        Assert.Equal("read failed", error.Message);
        Assert.Equal([0, 1, 2], seen);
    }
}
