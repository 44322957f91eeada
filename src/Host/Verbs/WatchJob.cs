using Lookout.Capture;
using Lookout.Detection;
using Lookout.Host.Pipeline;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookout.Host.Verbs;

/// <summary>
/// <c>lookout watch [SOURCE]</c>: a camera (by index), an RTSP stream or a video file played at its own frame rate,
/// through the live pipeline, into a window with boxes, labels and a HUD; optionally also JSON lines
/// and a recording. <c>q</c>/Esc or closing the window quits, space pauses, <c>+</c>/<c>-</c> change the score threshold.
/// </summary>
public sealed partial class WatchJob : IJob
{
    private readonly SourceOptions _source;
    private readonly DetectorOptions _detector;
    private readonly OverlayOptions _overlay;
    private readonly OutputOptions _outputs;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public WatchJob(IOptions<SourceOptions> source, IOptions<DetectorOptions> detector, IOptions<OverlayOptions> overlay, IOptions<OutputOptions> outputs, ILoggerFactory loggers)
    {
        _source = source.Value;
        _detector = detector.Value;
        _overlay = overlay.Value;
        _outputs = outputs.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger("lookout.watch");
    }

    public string Name => "watch";

    /// <summary>Environment lookup for the display check; tests replace it.</summary>
    internal static Func<string, string?> Environment { get; set; } = System.Environment.GetEnvironmentVariable;

    /// <exception cref="OutputException">No display, or an output cannot be written.</exception>
    /// <exception cref="SourceException">The camera or file cannot be read.</exception>
    /// <exception cref="ModelException">The model or its card is missing or unusable.</exception>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(stop);

        // The window first: without a display nothing else is worth opening; then the model, as annotate does.
        OnnxDetector? opened = null;
        var sinks = new List<IFrameSink>
        {
            new WindowSink("lookout", quit.Cancel, Environment) { ScoreKeys = step => StepScore(opened, step, _logger) },
        };
        try
        {
            AnnotateJob.EnsureModelExists(_detector);
            using var source = StreamJob.OpenSource(_source, _loggers.CreateLogger("lookout.capture"), quit.Token);
            using var detector = AnnotateJob.OpenDetector(_detector, _loggers.CreateLogger("lookout.detection"));
            opened = detector;
            AddOutputs(sinks, source.Info, _outputs);
            var info = source.Info;
            LogStarting(_logger, info.Name, info.Width, info.Height, info.Fps, detector.Card.Name, detector.ExecutionProvider, detector.ScoreThreshold);
            return await LiveRun.RunAsync(source, detector, sinks, _overlay, _outputs, _source.Duration, _logger, quit, showScore: true).ConfigureAwait(false);
        }
        finally
        {
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }
        }
    }

    /// <summary>The step <c>+</c> and <c>-</c> change the score threshold by in the window.</summary>
    internal const float ScoreStep = 0.05f;

    /// <summary>
    /// Moves <paramref name="detector"/>'s score threshold <paramref name="step"/> steps of <see cref="ScoreStep"/>,
    /// kept within 0.05 … 0.95 and rounded to hundredths, and logs the new value; nothing before the detector is open.
    /// </summary>
    internal static void StepScore(OnnxDetector? detector, int step, ILogger logger)
    {
        if (detector is null)
        {
            return;
        }

        var before = detector.ScoreThreshold;
        var after = MathF.Round(Math.Clamp(before + step * ScoreStep, ScoreStep, 1 - ScoreStep), 2);
        if (after != before)
        {
            detector.ScoreThreshold = after;
            LogScore(logger, after, before);
        }
    }

    /// <summary>A camera index (<c>0</c>) or a video file, played as a live source.</summary>
    /// <exception cref="SourceException">The input cannot be watched.</exception>
    internal static IFrameSource OpenSource(SourceOptions options, ILogger logger)
    {
        var input = options.Input;
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new SourceException("No source given. Pass a camera index (0), or a video file: lookout watch 0.");
        }

        if (CameraSource.IsCameraIndex(input, out var index))
        {
            return CameraSource.Open(index, options.Width, options.Height, options.Fps, options.MaxFrames, logger: logger);
        }

        var path = PathResolver.Resolve(input);
        if (Directory.Exists(path) || ImageFolderSource.IsImageFile(path))
        {
            throw new SourceException($"'{input}' is an image or a folder of images: watch shows cameras and videos. Use 'lookout annotate {input}' for images.");
        }

        return VideoFileSource.Open(path, options.MaxFrames, logger, realtime: options.Realtime, loop: options.Loop);
    }

    /// <summary>JSON lines and a recording (rolled over every <see cref="OutputOptions.Segment"/> when set), when asked for.</summary>
    internal static void AddOutputs(List<IFrameSink> sinks, SourceInfo info, OutputOptions outputs)
    {
        if (!string.IsNullOrWhiteSpace(outputs.Video))
        {
            var fps = info.Fps > 0 ? info.Fps : 25;
            sinks.Add(outputs.Segment > TimeSpan.Zero
                ? new SegmentedVideoSink(outputs.Video, fps, outputs.Codec, outputs.Segment, outputs.Encoder)
                : VideoSinks.Create(outputs.Video, fps, outputs.Codec, outputs.Encoder));
        }

        if (!string.IsNullOrWhiteSpace(outputs.Detections))
        {
            sinks.Add(new JsonLinesSink(outputs.Detections, live: true));
        }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Watching {Source} ({Width}x{Height} at {Fps:0.#} fps) with {Model} on {Provider}, score > {Score:0.00}; q or Esc quits, space pauses, + and - change the score threshold")]
    private static partial void LogStarting(ILogger logger, string source, int width, int height, double fps, string model, string provider, float score);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Score threshold {Score:0.00} (was {Before:0.00})")]
    private static partial void LogScore(ILogger logger, float score, float before);
}
