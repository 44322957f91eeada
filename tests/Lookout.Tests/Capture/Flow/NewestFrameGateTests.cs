using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Lookout.Capture.Flow;
using Lookout.Tests.Support;

namespace Lookout.Tests.Capture.Flow;

/// <summary>The live pipeline's newest-frame gate: a one-slot <see cref="FrameQueue{T}"/> that drops the oldest.</summary>
public sealed class NewestFrameGateTests
{
    [Fact]
    public void EnqueueDroppingOldest_Full_DisposesOldestAndCountsIt()
    {
        var ledger = new TokenLedger();
        var queue = new FrameQueue<Token>(1);
        var first = ledger.Issue(1);

        Assert.False(queue.EnqueueDroppingOldest(first));
        Assert.True(queue.EnqueueDroppingOldest(ledger.Issue(2)));

        Assert.True(first.Disposed);
        Assert.Equal(1, queue.Dropped);
        Assert.True(queue.TryDequeue(out var newest));
        Assert.Equal(2, newest.Value);
        newest.Dispose();
        Assert.Equal(0, ledger.Live);
    }

    [Fact]
    public void Gate_CaptureFasterThanDetector_DetectorTakesOnlyFreshFramesAndDropsAreCounted()
    {
        // Virtual time: capture every 10 ms for 2 s, a detector that needs 35 ms per frame.
        var frameInterval = TimeSpan.FromMilliseconds(10);
        var detectTime = TimeSpan.FromMilliseconds(35);
        var scheduler = new HistoricalScheduler();
        var ledger = new TokenLedger();
        var gate = new FrameQueue<Token>(1);
        var created = new Dictionary<int, DateTimeOffset>();
        var ages = new List<TimeSpan>();
        var busy = false;
        var produced = 0;

        void TakeNext()
        {
            if (busy || !gate.TryDequeue(out var frame))
            {
                return;
            }

            busy = true;
            ages.Add(scheduler.Now - created[frame.Value]);
            scheduler.Schedule(detectTime, () =>
            {
                frame.Dispose();
                busy = false;
                TakeNext();
            });
        }

        for (var i = 0; i < 200; i++)
        {
            var index = i;
            scheduler.Schedule(TimeSpan.FromTicks(frameInterval.Ticks * i), () =>
            {
                created[index] = scheduler.Now;
                gate.EnqueueDroppingOldest(ledger.Issue(index));
                produced++;
                TakeNext();
            });
        }

        scheduler.AdvanceBy(TimeSpan.FromSeconds(3));
        gate.DisposeAll();

        Assert.Equal(200, produced);

        // Every frame the detector took had waited at most one frame interval: latency is bounded by
        // inference time + one interval however long the run, instead of growing with a queue.
        Assert.All(ages, age => Assert.True(age <= frameInterval, $"waited {age.TotalMilliseconds} ms"));
        Assert.InRange(ages.Count, 50, 60);
        Assert.Equal(200, ages.Count + gate.Dropped);
        Assert.Equal(0, ledger.Live);
    }

    [Fact]
    public void HopNewest_LiveSourceFasterThanSlowConsumer_DropsStaleFramesCountsThemAndLeaksNothing()
    {
        var ledger = new TokenLedger();
        var drops = new DropCounter();
        var subject = new Subject<Token>();
        var processed = 0;
        var done = new ManualResetEventSlim();
        using (subject.HopNewest("test-live", drops).Subscribe(
            t =>
            {
                Thread.Sleep(20);
                Interlocked.Increment(ref processed);
                t.Dispose();
            },
            done.Set))
        {
            // The producer pushes 100 frames with no pause; a blocking hop would hand every one to the consumer.
            for (var i = 0; i < 100; i++)
            {
                subject.OnNext(ledger.Issue(i));
            }

            subject.OnCompleted();
            Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        }

        Assert.True(processed < 100);
        Assert.Equal(100, processed + drops.Total);
        Assert.Equal(0, ledger.Live);
    }
}
