using System.Reactive.Concurrency;

namespace Lookout.Capture.Rtsp;

/// <summary>
/// The state of one stream's outages: when the current one began, how many connection attempts
/// failed in it, how long to wait before the next one, and whether to give up. Time comes from an
/// <see cref="IScheduler"/>, so the whole schedule runs on virtual time in tests.
/// </summary>
/// <remarks>
/// An outage starts at the first failure (a working stream lost, or a connection attempt failing)
/// and ends at <see cref="Recovered"/>, which resets the back-off. Not thread-safe: one reader thread
/// drives it.
/// </remarks>
public sealed class ReconnectSchedule
{
    private readonly IScheduler _scheduler;
    private DateTimeOffset _outageStart;
    private int _waits;

    public ReconnectSchedule(ReconnectPolicy policy, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(scheduler);
        Policy = policy;
        _scheduler = scheduler;
    }

    public ReconnectPolicy Policy { get; }

    /// <summary>Whether a failure has happened since the last recovery.</summary>
    public bool InOutage { get; private set; }

    /// <summary>Connection attempts that failed in the current outage.</summary>
    public int FailedAttempts { get; private set; }

    /// <summary>How long the current outage has lasted; zero outside one.</summary>
    public TimeSpan OutageDuration => InOutage ? _scheduler.Now - _outageStart : TimeSpan.Zero;

    /// <summary>A working stream was lost. Returns the wait before the first reconnect attempt.</summary>
    public TimeSpan Lost()
    {
        Begin();
        return NextDelay() ?? TimeSpan.Zero;
    }

    /// <summary>A connection attempt failed. Returns the wait before the next one, or null when the policy says give up.</summary>
    public TimeSpan? AttemptFailed()
    {
        Begin();
        FailedAttempts++;
        if (Policy.FailAfterAttempts > 0 && FailedAttempts >= Policy.FailAfterAttempts)
        {
            return null;
        }

        return NextDelay();
    }

    /// <summary>The stream delivers again: the outage is over and the back-off starts afresh.</summary>
    public void Recovered()
    {
        InOutage = false;
        FailedAttempts = 0;
        _waits = 0;
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> on this schedule's clock.</summary>
    public IDisposable Schedule(TimeSpan delay, Action action) => _scheduler.Schedule(delay, action);

    /// <summary>Blocks the calling thread for <paramref name="delay"/> on this schedule's clock; false when <paramref name="cancel"/> fired first.</summary>
    public bool Wait(TimeSpan delay, CancellationToken cancel)
    {
        using var due = new ManualResetEventSlim();
        using (Schedule(delay, due.Set))
        {
            return WaitHandle.WaitAny([due.WaitHandle, cancel.WaitHandle]) == 0;
        }
    }

    private void Begin()
    {
        if (!InOutage)
        {
            InOutage = true;
            _outageStart = _scheduler.Now;
            FailedAttempts = 0;
            _waits = 0;
        }
    }

    private TimeSpan? NextDelay()
    {
        var delay = Policy.DelayBefore(_waits++);
        var limit = Policy.FailAfterDuration;
        if (limit <= TimeSpan.Zero)
        {
            return delay;
        }

        // The last attempt happens at the limit, not after it.
        var left = limit - OutageDuration;
        if (left <= TimeSpan.Zero)
        {
            return FailedAttempts > 0 ? null : TimeSpan.Zero;
        }

        return delay < left ? delay : left;
    }
}
