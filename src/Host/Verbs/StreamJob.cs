using Lookout.Capture;
using Lookout.Capture.Rtsp;
using Lookout.Detection;
using Lookout.Host.Pipeline;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookout.Host.Verbs;

/// <summary>
/// <c>lookout stream SOURCE</c>: headless live detection. An RTSP stream (or a camera, or a video file
/// played at its frame rate) through the live pipeline into JSON lines with <c>dropped</c> and
/// <c>latency_ms</c>, and optionally a recording. A lost stream reconnects with back-off and the run
/// goes on; it ends only when stopped, at <c>--max-frames</c>/<c>--duration</c>, or when
/// <c>--fail-after</c> gives up.
/// </summary>
public sealed partial class StreamJob : IJob
{
    private readonly SourceOptions _source;
    private readonly DetectorOptions _detector;
    private readonly OverlayOptions _overlay;
    private readonly OutputOptions _outputs;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public StreamJob(IOptions<SourceOptions> source, IOptions<DetectorOptions> detector, IOptions<OverlayOptions> overlay, IOptions<OutputOptions> outputs, ILoggerFactory loggers)
    {
        _source = source.Value;
        _detector = detector.Value;
        _overlay = overlay.Value;
        _outputs = outputs.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger("lookout.stream");
    }

    public string Name => "stream";

    /// <exception cref="SourceException">The source cannot be read, or the reconnect policy gave up.</exception>
    /// <exception cref="ModelException">The model or its card is missing or unusable.</exception>
    /// <exception cref="OutputException">An output cannot be written.</exception>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(stop);

        // The model first: a bad one fails at once, while an unreachable stream may retry for a long time.
        AnnotateJob.EnsureModelExists(_detector);
        using var detector = AnnotateJob.OpenDetector(_detector, _loggers.CreateLogger("lookout.detection"));
        using var source = OpenSource(_source, _loggers.CreateLogger("lookout.capture"), stop);
        var outputs = new OutputOptions
        {
            Video = _outputs.Video,
            Detections = string.IsNullOrWhiteSpace(_outputs.Detections) && string.IsNullOrWhiteSpace(_outputs.Video) ? "-" : _outputs.Detections,
            Codec = _outputs.Codec,
            Encoder = _outputs.Encoder,
            Segment = _outputs.Segment,
        };
        var sinks = new List<IFrameSink>();
        try
        {
            WatchJob.AddOutputs(sinks, source.Info, outputs);
            var info = source.Info;
            LogStarting(_logger, info.Name, info.Width, info.Height, info.Fps, detector.Card.Name, detector.ExecutionProvider);
            return await LiveRun.RunAsync(source, detector, sinks, _overlay, _outputs, _source.Duration, _logger, quit).ConfigureAwait(false);
        }
        finally
        {
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }
        }
    }

    /// <summary>An RTSP URL, a camera index or a video file, as a live source.</summary>
    /// <exception cref="SourceException">The input cannot be streamed.</exception>
    internal static IFrameSource OpenSource(SourceOptions options, ILogger logger, CancellationToken stop)
    {
        if (!RtspSource.IsRtspUrl(options.Input))
        {
            return WatchJob.OpenSource(options, logger);
        }

        return RtspSource.Open(
            new RtspSourceOptions
            {
                Url = options.Input!,
                Width = options.Width,
                Height = options.Height,
                Fps = options.Fps,
                MaxFrames = options.MaxFrames,
                StallTimeout = options.StallTimeout,
                Reconnect = StreamFailAfter.Policy(options.FailAfter),
            },
            logger,
            cancel: stop);
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Streaming {Source} ({Width}x{Height} at {Fps:0.#} fps) with {Model} on {Provider}")]
    private static partial void LogStarting(ILogger logger, string source, int width, int height, double fps, string model, string provider);
}
