using System.Diagnostics;
using Lookout.Host.Reporting;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;

namespace Lookout.Host.Pipeline;

/// <summary>Draws and writes each detected frame, then disposes it (this stage is the last owner).</summary>
internal sealed class OutputStage : IObserver<DetectedFrame>
{
    private readonly IReadOnlyList<IFrameSink> _sinks;
    private readonly OverlayOptions _overlay;
    private readonly RunStats _stats;
    private readonly Action<long>? _progress;
    private readonly Renderer _renderer = new();
    private readonly HudText _hud = new();
    private long _dropped;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly LiveMetrics? _metrics;

    /// <summary>The detector's score threshold, for the HUD, where it can change during the run; not shown without it.</summary>
    public Func<float>? ScoreThreshold { get; init; }

    public OutputStage(IReadOnlyList<IFrameSink> sinks, OverlayOptions overlay, RunStats stats, Action<long>? progress, LiveMetrics? metrics = null)
    {
        _sinks = sinks;
        _overlay = overlay;
        _stats = stats;
        _progress = progress;
        _metrics = metrics;
    }

    public Task Completion => _done.Task;

    public void OnNext(DetectedFrame value)
    {
        using (value)
        {
            if (_done.Task.IsCompleted)
            {
                return;
            }

            try
            {
                Write(value);
            }
            catch (Exception e)
            {
                // Do not throw into the hop: Rx would detach this observer and the error would be
                // lost. Fault the run instead; RunAsync then disposes the chain, which drains and
                // disposes every frame still in flight.
                _done.TrySetException(e);
                return;
            }
        }

        _progress?.Invoke(_stats.Frames);
    }

    private void Write(DetectedFrame value)
    {
        var start = Stopwatch.GetTimestamp();
        _dropped += value.Dropped;
        var latency = Stopwatch.GetElapsedTime(value.Frame.CapturedAt, start).TotalMilliseconds;
        var hud = _overlay.Hud ? _hud.Update(value.Timings.InferenceMs, latency, _dropped, ScoreThreshold?.Invoke()) : null;
        _renderer.Draw(value.Frame.Image, _overlay.Boxes ? value.Detections : [], hud);
        var drawn = Stopwatch.GetTimestamp();
        for (var i = 0; i < _sinks.Count; i++)
        {
            _sinks[i].Write(value);
        }

        var written = Stopwatch.GetTimestamp();
        _stats.Record(value, Stopwatch.GetElapsedTime(start, drawn).TotalMilliseconds, Stopwatch.GetElapsedTime(drawn, written).TotalMilliseconds);
        _metrics?.Record(value.Timings.InferenceMs, Stopwatch.GetElapsedTime(value.Frame.CapturedAt, written).TotalMilliseconds);
    }

    public void OnError(Exception error) => _done.TrySetException(error);

    public void OnCompleted() => _done.TrySetResult();
}
