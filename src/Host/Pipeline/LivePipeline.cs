using Lookout.Capture;
using Lookout.Capture.Flow;
using Lookout.Host.Reporting;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;

namespace Lookout.Host.Pipeline;

/// <summary>
/// Live mode (camera, stream, a file played in real time): capture → newest-frame gate → detect →
/// draw and write, each on its own thread. Capture never waits: while the detector is busy only the
/// newest frame waits for it and older ones are disposed and counted in <see cref="Drops"/>, so the
/// capture-to-output latency stays bounded by one inference plus one frame interval under any load.
/// </summary>
/// <remarks>
/// Between detection and output there is a one-frame bounded hop: every detected frame is drawn and
/// written (a recording has no holes between detections), and a slow output holds the detector back,
/// which the gate then absorbs by dropping more capture frames.
/// </remarks>
public sealed class LivePipeline
{
    private readonly IFrameSource _source;
    private readonly DetectFunc _detect;
    private readonly IReadOnlyList<IFrameSink> _sinks;
    private readonly OverlayOptions _overlay;

    public LivePipeline(IFrameSource source, DetectFunc detect, IReadOnlyList<IFrameSink> sinks, OverlayOptions overlay)
    {
        _source = source;
        _detect = detect;
        _sinks = sinks;
        _overlay = overlay;
    }

    /// <summary>Writes a metrics line at this interval when a logger is given (<see cref="MetricsLogger"/>).</summary>
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the periodic metrics line goes; none without it.</summary>
    public Microsoft.Extensions.Logging.ILogger? MetricsLogger { get; init; }

    /// <summary>The detector's score threshold, shown in the HUD, where the user can change it during the run.</summary>
    public Func<float>? ScoreThreshold { get; init; }

    /// <summary>Running total of source reconnects, for sources that reconnect.</summary>
    public Func<long>? Reconnects { get; init; }

    /// <summary>Capture frames disposed unprocessed because a newer one arrived while the detector was busy.</summary>
    public DropCounter Drops { get; } = new();

    /// <summary>
    /// Runs until the source ends or <paramref name="stop"/> is signalled; frames in flight are then
    /// drained. Sinks are written but not completed: the caller completes them on success and disposes
    /// them on failure.
    /// </summary>
    public async Task<RunStats> RunAsync(CancellationToken stop)
    {
        var stats = new RunStats();
        var metrics = MetricsLogger is not null && MetricsInterval > TimeSpan.Zero
            ? new LiveMetrics(MetricsLogger, MetricsInterval, () => Drops.Total, Reconnects)
            : null;
        var output = new OutputStage(_sinks, _overlay, stats, progress: null, metrics) { ScoreThreshold = ScoreThreshold };
        var frames = _source.Frames(stop)
            .HopNewest("lookout-detect", Drops)
            .Detect(_detect, Drops)
            .HopBounded(1, "lookout-output");
        using (frames.Subscribe(output))
        {
            await output.Completion.ConfigureAwait(false);
        }

        stats.Stop();
        return stats;
    }
}
