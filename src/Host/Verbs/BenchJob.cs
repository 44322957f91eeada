using System.Diagnostics;
using Lookout.Capture;
using Lookout.Detection;
using Lookout.Host.Reporting;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookout.Host.Verbs;

/// <summary>
/// <c>lookout bench</c>: one model on one video, measured side by side in one process: the pipelined
/// <c>annotate</c> path against a sequential loop, ONNX Runtime against OpenCV DNN, per-stage latency, the bottleneck,
/// managed allocation per frame and peak memory.
/// </summary>
/// <remarks>
/// The runs go one after another (warm-up, sequential, pipelined, engines), so each has the CPU to itself apart from
/// whatever else the machine runs; the report gives the load average so a busy machine shows. Annotated videos are
/// written (the encoder is part of what is measured) into a temporary folder that is deleted at the end.
/// </remarks>
public sealed partial class BenchJob : IJob
{
    private const int WarmUpFrames = 5;

    private readonly SourceOptions _source;
    private readonly DetectorOptions _detector;
    private readonly OverlayOptions _overlay;
    private readonly BenchOptions _bench;
    private readonly OutputOptions _outputs;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public BenchJob(IOptions<SourceOptions> source, IOptions<DetectorOptions> detector, IOptions<OverlayOptions> overlay, IOptions<BenchOptions> bench, IOptions<OutputOptions> outputs, ILoggerFactory loggers)
    {
        _outputs = outputs.Value;
        _source = source.Value;
        _detector = detector.Value;
        _overlay = overlay.Value;
        _bench = bench.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger("lookout.bench");
    }

    public string Name => "bench";

    /// <summary>Runs every measurement, prints the report on standard error and writes the JSON; returns the exit code.</summary>
    /// <exception cref="SourceException">The input is missing or not a decodable video.</exception>
    /// <exception cref="ModelException">The model or its card is missing or unusable.</exception>
    /// <exception cref="OutputException">The JSON report cannot be written.</exception>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var input = ResolveVideo(_source.Input);
        AnnotateJob.EnsureModelExists(_detector);

        SourceInfo info;
        using (var probe = VideoFileSource.Open(input, _bench.Frames))
        {
            info = probe.Info;
        }

        var frames = info.FrameCount > 0 ? (int)Math.Min(info.FrameCount, _bench.Frames) : _bench.Frames;
        if (frames < 2)
        {
            throw new SourceException($"Input '{input}' has {frames} frame; lookout bench needs a video of at least 2 frames.");
        }

        // Allocation per frame is counted from here on, after JIT, first-frame buffers and writer start-up.
        var steadyFrom = Math.Clamp(frames / 5, 1, 20);
        using var detector = AnnotateJob.OpenDetector(_detector, _loggers.CreateLogger("lookout.detection"));
        var work = Directory.CreateTempSubdirectory("lookout-bench-");
        try
        {
            LogStarting(_logger, info.Name, frames, detector.Card.Name, detector.ExecutionProvider);
            RunSequential(input, detector, Math.Min(WarmUpFrames, frames), Path.Combine(work.FullName, "warm-up.mp4"), 1, stop);
            stop.ThrowIfCancellationRequested();

            LogPhase(_logger, "sequential loop: read, detect, draw, write on one thread");
            var sequential = RunSequential(input, detector, frames, Path.Combine(work.FullName, "sequential.mp4"), steadyFrom, stop);
            stop.ThrowIfCancellationRequested();

            LogPhase(_logger, "annotate pipeline: decode | detect | draw + write on three threads");
            var pipelined = await RunPipelinedAsync(input, detector, frames, Path.Combine(work.FullName, "pipelined.mp4"), _outputs.Encoder, steadyFrom, stop).ConfigureAwait(false);
            stop.ThrowIfCancellationRequested();

            // When the pipeline's writer is not the sequential loop's, the pipeline also runs with that one, so the
            // gain of pipelining alone shows beside the gain of the whole annotate path.
            RunResult? sameWriter = null;
            if (pipelined.Figures.Encoder != sequential.Figures.Encoder)
            {
                LogPhase(_logger, "annotate pipeline again with OpenCV's writer");
                sameWriter = await RunPipelinedAsync(input, detector, frames, Path.Combine(work.FullName, "pipelined-opencv.mp4"), VideoSinks.OpenCv, steadyFrom, stop).ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
            }

            var engineFrames = Math.Min(frames, _bench.EngineFrames);
            LogPhase(_logger, $"engines: onnxruntime then opencv-dnn over {engineFrames} frames in memory");
            var engines = CompareEngines(input, detector, engineFrames, stop);
            stop.ThrowIfCancellationRequested();

            var report = new BenchReport
            {
                Input = info.Name,
                Width = info.Width,
                Height = info.Height,
                Model = detector.Card.Name,
                Provider = detector.ExecutionProvider,
                Machine = BenchReport.MachineInfo.Current(),
                Sequential = sequential.Figures,
                Pipelined = pipelined.Figures,
                PipelinedSameWriter = sameWriter?.Figures,
                Stages = StageTable(pipelined.Stages, sequential.Stages),
                Bottleneck = FindBottleneck(pipelined.Stages, sequential.Stages, pipelined.Figures.Fps),
                Engines = engines,
                PeakRssBytes = PeakRss(),
            };
            Console.Error.Write(report.Format());
            if (_bench.Json is { } json)
            {
                WriteJson(report, json);
            }

            return RunOutcome.Ok;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string ResolveVideo(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new SourceException("No input given. Pass a video file: lookout bench VIDEO --model M.onnx.");
        }

        var input = PathResolver.Resolve(configured);
        if (Directory.Exists(input))
        {
            throw new SourceException($"Input '{configured}' is a folder; lookout bench measures a video file. Pass one, e.g. vtest.avi.");
        }

        if (!File.Exists(input))
        {
            throw new SourceException($"Input '{configured}' does not exist. Pass an existing video file: lookout bench VIDEO --model M.onnx.");
        }

        if (ImageFolderSource.IsImageFile(input))
        {
            throw new SourceException($"Input '{configured}' is an image; lookout bench measures a video file. Pass one, e.g. vtest.avi.");
        }

        return input;
    }

    private static void WriteJson(BenchReport report, string path)
    {
        try
        {
            report.WriteJson(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"Cannot write the JSON report '{path}': {e.Message}. Pass a writable path with --json.", e);
        }
    }

    // The kernel's high-water mark of resident memory (VmHWM on Linux).
    private static long PeakRss()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Benchmarking {Model} on {Provider} over {Frames} frames of {Input}")]
    private static partial void LogStarting(ILogger logger, string input, int frames, string model, string provider);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Measuring {Phase}")]
    private static partial void LogPhase(ILogger logger, string phase);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "OpenCV DNN cannot run the model, so the engine comparison is left out: {Reason}")]
    private static partial void LogOpenCvDnnFailed(ILogger logger, string reason);
}
