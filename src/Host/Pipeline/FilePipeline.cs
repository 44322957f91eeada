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

    /// <param name="queueCapacity">Frames that may wait between two stages; 0 picks <see cref="AutoQueueCapacity"/>.</param>
    public FilePipeline(IFrameSource source, DetectFunc detect, IReadOnlyList<IFrameSink> sinks, OverlayOptions overlay, int queueCapacity = 0)
    {
        _source = source;
        _detect = detect;
        _sinks = sinks;
        _overlay = overlay;
        _queueCapacity = queueCapacity > 0 ? queueCapacity : AutoQueueCapacity(source.Info);
    }

    /// <summary>
    /// 16 frames between two stages, fewer for large frames (at most 64 MiB of frames per queue, at least 4). On a
    /// few cores the stages' threads and the encoder take turns unevenly, and a stage that finds its queue empty or
    /// full waits: on vtest.avi (768×576) with UltraFace on 2 cores, 16 instead of 4 raised the pipeline from 160 to
    /// 208 fps (<c>lookout bench --frames 795</c>).
    /// </summary>
    public static int AutoQueueCapacity(SourceInfo info)
    {
        const long Budget = 64L << 20;
        long frameBytes = Math.Max(1L, (long)info.Width * info.Height * 3);
        return (int)Math.Clamp(Budget / frameBytes, 4, 16);
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
}
