using Lookout.Capture;
using Lookout.Capture.Rtsp;
using Lookout.Detection;
using Lookout.Host.Pipeline;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Microsoft.Extensions.Logging;

namespace Lookout.Host.Verbs;

/// <summary>The part of <c>watch</c> and <c>stream</c> after their source, detector and sinks are open.</summary>
internal static class LiveRun
{
    /// <summary>
    /// Runs the live pipeline until the source ends, <paramref name="quit"/> is signalled or
    /// <paramref name="duration"/> has passed; then completes every sink and prints the summary
    /// (stage times, frames dropped, reconnects for a stream) on standard error.
    /// </summary>
    /// <param name="showScore">Show the detector's score threshold in the HUD (where the user can change it).</param>
    public static async Task<int> RunAsync(
        IFrameSource source, OnnxDetector detector, IReadOnlyList<IFrameSink> sinks, OverlayOptions overlay, OutputOptions outputs, TimeSpan duration, ILogger logger, CancellationTokenSource quit, bool showScore = false)
    {
        if (duration > TimeSpan.Zero)
        {
            quit.CancelAfter(duration);
        }

        var rtsp = source as RtspSource;
        var pipeline = new LivePipeline(source, detector.Detect, sinks, overlay)
        {
            MetricsInterval = outputs.MetricsInterval,
            MetricsLogger = logger,
            Reconnects = rtsp is null ? null : () => rtsp.Reconnects,
            ScoreThreshold = showScore ? () => detector.ScoreThreshold : null,
        };
        var stats = await pipeline.RunAsync(quit.Token).ConfigureAwait(false);
        foreach (var sink in sinks)
        {
            sink.Complete();
        }

        Console.Error.Write(stats.Format(source.Info.Name));
        Console.Error.WriteLine($"dropped: {pipeline.Drops.Total} stale frames (the detector always takes the newest)");
        if (rtsp is not null)
        {
            Console.Error.WriteLine($"reconnects: {rtsp.Reconnects}");
        }

        return RunOutcome.Ok;
    }
}
