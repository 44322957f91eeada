using System.Reactive.Concurrency;
using Lookout.Capture.Rtsp;

namespace Lookout.Tests.Capture.Rtsp;

/// <summary>The back-off schedule on virtual time: attempts happen when the policy says, and it gives up when told to.</summary>
public sealed class ReconnectScheduleTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DelayBefore_SuccessiveWaits_DoubleUpToTheCap()
    {
        var policy = new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        var delays = Enumerable.Range(0, 8).Select(i => policy.DelayBefore(i).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayBefore(int.MaxValue));
    }

    [Fact]
    public void AttemptFailed_UnreachableWithAttemptLimit_AttemptsAtBackOffTimesThenGivesUp()
    {
        var scheduler = new HistoricalScheduler(s_start);
        var schedule = new ReconnectSchedule(new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), FailAfterAttempts: 6), scheduler);
        var attempts = new List<double>();
        var gaveUpAt = -1.0;

        // A stream that never answers: every attempt fails and schedules the next one.
        void Attempt()
        {
            attempts.Add((scheduler.Now - s_start).TotalSeconds);
            if (schedule.AttemptFailed() is { } delay)
            {
                schedule.Schedule(delay, Attempt);
            }
            else
            {
                gaveUpAt = (scheduler.Now - s_start).TotalSeconds;
            }
        }

        scheduler.Schedule(TimeSpan.Zero, Attempt);
        scheduler.AdvanceBy(TimeSpan.FromMinutes(10));

        Assert.Equal([0, 1, 3, 7, 15, 23], attempts);
        Assert.Equal(23, gaveUpAt);
        Assert.Equal(6, schedule.FailedAttempts);
    }

    [Fact]
    public void Lost_OutageLongerThanDurationLimit_LastAttemptAtTheLimitThenGivesUp()
    {
        var scheduler = new HistoricalScheduler(s_start);
        var schedule = new ReconnectSchedule(new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), FailAfterDuration: TimeSpan.FromSeconds(10)), scheduler);
        var attempts = new List<double>();
        TimeSpan? gaveUpAfter = null;

        void Attempt()
        {
            attempts.Add((scheduler.Now - s_start).TotalSeconds);
            if (schedule.AttemptFailed() is { } delay)
            {
                schedule.Schedule(delay, Attempt);
            }
            else
            {
                gaveUpAfter = schedule.OutageDuration;
            }
        }

        schedule.Schedule(schedule.Lost(), Attempt);
        scheduler.AdvanceBy(TimeSpan.FromMinutes(10));

        Assert.Equal([1, 3, 7, 10], attempts);
        Assert.Equal(TimeSpan.FromSeconds(10), gaveUpAfter);
    }

    [Fact]
    public void Recovered_AfterFailures_NextOutageStartsFromTheInitialDelay()
    {
        var scheduler = new HistoricalScheduler(s_start);
        var schedule = new ReconnectSchedule(new ReconnectPolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)), scheduler);

        Assert.Equal(TimeSpan.FromSeconds(2), schedule.Lost());
        scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(4), schedule.AttemptFailed());
        scheduler.AdvanceBy(TimeSpan.FromSeconds(4));
        Assert.Equal(1, schedule.FailedAttempts);
        Assert.Equal(TimeSpan.FromSeconds(6), schedule.OutageDuration);

        schedule.Recovered();
        scheduler.AdvanceBy(TimeSpan.FromMinutes(5));

        Assert.False(schedule.InOutage);
        Assert.Equal(TimeSpan.Zero, schedule.OutageDuration);
        Assert.Equal(TimeSpan.FromSeconds(2), schedule.Lost());
        Assert.Equal(0, schedule.FailedAttempts);
    }

    [Fact]
    public void AttemptFailed_NoLimit_RetriesForeverAtTheCap()
    {
        var scheduler = new HistoricalScheduler(s_start);
        var schedule = new ReconnectSchedule(new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), scheduler);
        TimeSpan? last = null;

        for (var i = 0; i < 1000; i++)
        {
            last = schedule.AttemptFailed();
            Assert.NotNull(last);
            scheduler.AdvanceBy(last.Value);
        }

        Assert.Equal(TimeSpan.FromSeconds(30), last);
        Assert.False(schedule.Policy.GivesUp);
    }

    [Fact]
    public void Wait_DelayPasses_ReturnsTrue()
    {
        var schedule = new ReconnectSchedule(ReconnectPolicy.Default, Scheduler.Default);

        Assert.True(schedule.Wait(TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }

    [Fact]
    public void Wait_Cancelled_ReturnsFalse()
    {
        var schedule = new ReconnectSchedule(ReconnectPolicy.Default, new HistoricalScheduler(s_start));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.False(schedule.Wait(TimeSpan.FromHours(1), cancel.Token));
    }
}
