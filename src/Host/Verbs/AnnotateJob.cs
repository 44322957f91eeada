using Lookout.Capture;
using Lookout.Detection;
using Lookout.Host.Pipeline;
using Lookout.Host.Reporting;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookout.Host.Verbs;

/// <summary><c>lookout annotate</c>: a video, an image or an image folder through the file-mode pipeline.</summary>
public sealed partial class AnnotateJob : IJob
{
    /// <summary>The in-repo model that <c>lookout</c> uses when no <c>--model</c> is given.</summary>
    public const string DefaultModel = "models/lookout-yolo-shapes.onnx";

    private readonly SourceOptions _source;
    private readonly DetectorOptions _detector;
    private readonly OverlayOptions _overlay;
    private readonly OutputOptions _outputs;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public AnnotateJob(IOptions<SourceOptions> source, IOptions<DetectorOptions> detector, IOptions<OverlayOptions> overlay, IOptions<OutputOptions> outputs, ILoggerFactory loggers)
    {
        _source = source.Value;
        _detector = detector.Value;
        _overlay = overlay.Value;
        _outputs = outputs.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger("lookout.annotate");
    }

    public string Name => "annotate";

    /// <summary>Runs to the end of the input, or until <paramref name="stop"/>; returns the exit code.</summary>
    /// <exception cref="SourceException">The input is missing or unreadable.</exception>
    /// <exception cref="ModelException">The model or its card is missing or unusable.</exception>
    /// <exception cref="OutputException">An output cannot be written.</exception>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        if (string.IsNullOrWhiteSpace(_source.Input))
        {
            throw new SourceException("No input given. Pass a video file, an image or a folder of images: lookout annotate INPUT.");
        }

        // Without the bundled model nothing can run; say so before complaining about anything else.
        EnsureModelExists(_detector);
        var input = PathResolver.Resolve(_source.Input);
        using var source = FrameSourceFactory.OpenFile(input, _source.MaxFrames, _loggers.CreateLogger("lookout.capture"));
        using var detector = OpenDetector(_detector, _loggers.CreateLogger("lookout.detection"));
        var sinks = OutputPlan.Create(input, source, _outputs);
        try
        {
            var info = source.Info;
            LogStarting(_logger, info.Name, info.FrameCount, detector.Card.Name, detector.ExecutionProvider, OutputPlan.Describe(sinks));
            var progress = _outputs.Progress ? new ProgressBar(Console.Error, info.FrameCount, !Console.IsErrorRedirected) : null;
            var pipeline = new FilePipeline(source, detector.Detect, sinks, _overlay, _source.QueueCapacity)
            {
                Progress = progress is null ? null : progress.Report,
            };
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (_source.Duration > TimeSpan.Zero)
            {
                limit.CancelAfter(_source.Duration);
            }

            var stats = await pipeline.RunAsync(limit.Token).ConfigureAwait(false);
            foreach (var sink in sinks)
            {
                sink.Complete();
            }

            progress?.Finish(stats.Frames);
            var what = stop.IsCancellationRequested ? $"interrupted, outputs finalized; {info.Name}" : info.Name;
            Console.Error.Write(stats.Format(what));
            Console.Error.WriteLine($"outputs: {OutputPlan.Describe(sinks)}");
            return RunOutcome.Ok;
        }
        finally
        {
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }
        }
    }

    /// <summary>Opens the configured model, finding its card beside it or among the bundled cards.</summary>
    /// <exception cref="ModelException">No model configured or found, or it cannot be used.</exception>
    public static OnnxDetector OpenDetector(DetectorOptions configured, ILogger logger)
    {
        var resolved = EnsureModelExists(configured);
        // Every setting as configured, copied whole so none is left behind, with the paths resolved.
        var options = configured.Clone();
        options.ModelPath = resolved;
        options.CardPath = configured.CardPath is null ? FindBundledCard(resolved) : PathResolver.Resolve(configured.CardPath);
        return OnnxDetector.Open(options, logger);
    }

    /// <summary>The resolved model path.</summary>
    /// <exception cref="ModelException">The model file does not exist.</exception>
    internal static string EnsureModelExists(DetectorOptions configured)
    {
        var modelPath = string.IsNullOrWhiteSpace(configured.ModelPath) ? DefaultModel : configured.ModelPath;
        var resolved = PathResolver.Resolve(modelPath);
        if (!File.Exists(resolved))
        {
            if (modelPath == DefaultModel)
            {
                throw new ModelException(
                    $"The bundled model '{DefaultModel}' is missing from this checkout. Restore it with 'git checkout -- models/', " +
                    "retrain it with src/Training (see README, Training), or pass an ONNX detector with --model PATH.onnx.");
            }

            throw new ModelException($"Model '{modelPath}' does not exist. Pass an existing .onnx file with --model.");
        }

        return resolved;
    }

    /// <summary>
    /// A card beside the model wins; otherwise a card of the same name in <c>models/cards/</c>, where
    /// Lookout keeps cards for well-known third-party exports that ship without one.
    /// </summary>
    private static string? FindBundledCard(string modelPath)
    {
        if (File.Exists(Path.ChangeExtension(modelPath, ".json")))
        {
            return null;
        }

        var bundled = PathResolver.Resolve(Path.Combine("models", "cards", Path.GetFileNameWithoutExtension(modelPath) + ".json"));
        return File.Exists(bundled) ? bundled : null;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Annotating {Input} ({Frames} frames) with {Model} on {Provider} -> {Outputs}")]
    private static partial void LogStarting(ILogger logger, string input, long frames, string model, string provider, string outputs);
}
