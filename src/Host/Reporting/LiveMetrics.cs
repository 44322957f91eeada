using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Lookout.Host.Reporting;

/// <summary>
/// The live pipeline's periodic metrics line: output and capture frame rates, inference time,
/// capture-to-output latency p50/p95, frames dropped and source reconnects over the last interval.
/// </summary>
/// <remarks>
/// Fed from the output thread, one call per frame; recording does not allocate (a fixed ring and a
/// sort buffer made up front). Not thread-safe: one writer.
/// </remarks>
public sealed partial class LiveMetrics
{
    private const int Window = 4096;
    private readonly ILogger _logger;
    private readonly long _interval;
    private readonly Func<long> _dropped;
    private readonly Func<long>? _reconnects;
    private readonly double[] _latency = new double[Window];
    private readonly double[] _sorted = new double[Window];
    private long _windowStart = Stopwatch.GetTimestamp();
    private int _frames;
    private double _inferenceSum;
    private long _droppedAtStart;
    private long _reconnectsAtStart;

    /// <param name="dropped">Running total of frames dropped by the gate.</param>
    /// <param name="reconnects">Running total of source reconnects, for sources that reconnect.</param>
    public LiveMetrics(ILogger logger, TimeSpan interval, Func<long> dropped, Func<long>? reconnects = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _logger = logger;
        _interval = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        _dropped = dropped;
        _reconnects = reconnects;
    }

    /// <summary>Lines written so far.</summary>
    public int Lines { get; private set; }

    public void Record(double inferenceMs, double latencyMs)
    {
        if (_frames < Window)
        {
            _latency[_frames] = latencyMs;
        }

        _frames++;
        _inferenceSum += inferenceMs;
        var now = Stopwatch.GetTimestamp();
        if (now - _windowStart >= _interval)
        {
            Report(now);
        }
    }

    private void Report(long now)
    {
        var seconds = (double)(now - _windowStart) / Stopwatch.Frequency;
        var dropped = _dropped();
        var reconnects = _reconnects?.Invoke() ?? 0;
        var n = Math.Min(_frames, Window);
        Array.Copy(_latency, _sorted, n);
        Array.Sort(_sorted, 0, n);
        LogMetrics(
            _logger,
            _frames / seconds,
            (_frames + dropped - _droppedAtStart) / seconds,
            _frames == 0 ? 0 : _inferenceSum / _frames,
            Percentile(n, 50),
            Percentile(n, 95),
            dropped - _droppedAtStart,
            dropped,
            reconnects - _reconnectsAtStart,
            reconnects);
        Lines++;
        _windowStart = now;
        _frames = 0;
        _inferenceSum = 0;
        _droppedAtStart = dropped;
        _reconnectsAtStart = reconnects;
    }

    private double Percentile(int n, double p) => n == 0 ? 0 : _sorted[Math.Clamp((int)Math.Ceiling(p / 100 * n) - 1, 0, n - 1)];

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "metrics: output {OutputFps:0.0} fps, capture {CaptureFps:0.0} fps, inference {InferenceMs:0.0} ms, latency p50 {LatencyP50:0} ms p95 {LatencyP95:0} ms, dropped {Dropped} ({DroppedTotal} in all), reconnects {Reconnects} ({ReconnectsTotal} in all)")]
    private static partial void LogMetrics(ILogger logger, double outputFps, double captureFps, double inferenceMs, double latencyP50, double latencyP95, long dropped, long droppedTotal, long reconnects, long reconnectsTotal);
}
