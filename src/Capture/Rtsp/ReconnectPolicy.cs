namespace Lookout.Capture.Rtsp;

/// <summary>How a live stream reconnects: capped exponential back-off, and optionally when to give up.</summary>
/// <param name="InitialDelay">Wait before the first reconnect attempt of an outage; each later wait doubles.</param>
/// <param name="MaxDelay">The longest wait between two attempts.</param>
/// <param name="FailAfterAttempts">Give up after this many failed connection attempts in one outage; 0 never.</param>
/// <param name="FailAfterDuration">Give up when an outage has lasted this long; zero never.</param>
public sealed record ReconnectPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, int FailAfterAttempts = 0, TimeSpan FailAfterDuration = default)
{
    /// <summary>1 s, doubling up to 30 s, retrying forever.</summary>
    public static ReconnectPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>Whether the policy ever gives up.</summary>
    public bool GivesUp => FailAfterAttempts > 0 || FailAfterDuration > TimeSpan.Zero;

    /// <summary>The wait before reconnect attempt <paramref name="wait"/> (0-based) of an outage: initial × 2^wait, capped.</summary>
    public TimeSpan DelayBefore(int wait)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(wait);
        var initial = InitialDelay > TimeSpan.Zero ? InitialDelay : TimeSpan.Zero;
        var cap = MaxDelay > initial ? MaxDelay : initial;

        // Doubling past 2^30 overflows long before any cap matters.
        var ticks = initial.Ticks * Math.Pow(2, Math.Min(wait, 30));
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The policy in words, for logs and errors.</summary>
    public string Describe() => (FailAfterAttempts > 0, FailAfterDuration > TimeSpan.Zero) switch
    {
        (true, true) => $"giving up after {FailAfterAttempts} attempts or {FailAfterDuration.TotalSeconds:0.#} s",
        (true, false) => $"giving up after {FailAfterAttempts} attempts",
        (false, true) => $"giving up after {FailAfterDuration.TotalSeconds:0.#} s",
        _ => "retrying until stopped",
    };
}
