using System.Diagnostics;
using Lookout.Capture;
using Lookout.Capture.Flow;
using Lookout.Host.Reporting;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;

namespace Lookout.Host.Pipeline;

/// <summary>
/// File mode: decode → detect → draw and write, each on its own thread with bounded queues
/// between them, so stages overlap while every frame is processed in order.
/// </summary>
public sealed class FilePipeline
{
    private readonly IFrameSource _source;
    private readonly DetectFunc _detect;
    private readonly IReadOnlyList<IFrameSink> _sinks;
    private readonly OverlayOptions _overlay;
    private readonly int _queueCapacity;

    public FilePipeline(IFrameSource source, DetectFunc detect, IReadOnlyList<IFrameSink> sinks, OverlayOptions overlay, int queueCapacity = 4)
    {
        _source = source;
        _detect = detect;
        _sinks = sinks;
        _overlay = overlay;
        _queueCapacity = queueCapacity;
    }

    /// <summary>Called on the output thread after each frame with the number of frames done.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>
    /// Runs until the source ends or <paramref name="stop"/> is signalled; either way the frames
    /// already read are drained through every stage. Sinks are written but not completed: the caller
    /// completes them on success and disposes them on failure.
    /// </summary>
    public async Task<RunStats> RunAsync(CancellationToken stop)
    {
        var stats = new RunStats();
        var output = new OutputStage(_sinks, _overlay, stats, Progress);
        var frames = _source.Frames(stop)
            .HopBounded(_queueCapacity, "lookout-detect")
            .Detect(_detect)
            .HopBounded(_queueCapacity, "lookout-output");
        using (frames.Subscribe(output))
        {
            await output.Completion.ConfigureAwait(false);
        }

        stats.Stop();
        return stats;
    }

    /// <summary>Draws and writes each detected frame, then disposes it (this stage is the last owner).</summary>
    private sealed class OutputStage : IObserver<DetectedFrame>
    {
        private readonly IReadOnlyList<IFrameSink> _sinks;
        private readonly OverlayOptions _overlay;
        private readonly RunStats _stats;
        private readonly Action<long>? _progress;
        private readonly Renderer _renderer = new();
        private readonly HudText _hud = new();
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OutputStage(IReadOnlyList<IFrameSink> sinks, OverlayOptions overlay, RunStats stats, Action<long>? progress)
        {
            _sinks = sinks;
            _overlay = overlay;
            _stats = stats;
            _progress = progress;
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
            var hud = _overlay.Hud
                ? _hud.Update(value.Timings.InferenceMs, Stopwatch.GetElapsedTime(value.Frame.CapturedAt).TotalMilliseconds, value.Dropped)
                : null;
            _renderer.Draw(value.Frame.Image, _overlay.Boxes ? value.Detections : [], hud);
            var drawn = Stopwatch.GetTimestamp();
            for (var i = 0; i < _sinks.Count; i++)
            {
                _sinks[i].Write(value);
            }

            var written = Stopwatch.GetTimestamp();
            _stats.Record(value, Stopwatch.GetElapsedTime(start, drawn).TotalMilliseconds, Stopwatch.GetElapsedTime(drawn, written).TotalMilliseconds);
        }

        public void OnError(Exception error) => _done.TrySetException(error);

        public void OnCompleted() => _done.TrySetResult();
    }
}
