using Lookout.Detection;
using Lookout.Detection.Datasets;
using Lookout.Detection.Evaluation;
using Lookout.Host.Reporting;
using Lookout.Overlay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookout.Host.Verbs;

/// <summary>
/// <c>lookout eval</c>: runs any detector over a labelled dataset split and prints per-class AP,
/// mAP50 (VOC all-point) and mAP50-95 (COCO-style); the last line is <c>mAP50=… mAP50-95=…</c>.
/// </summary>
public sealed partial class EvalJob : IJob
{
    private readonly EvalOptions _eval;
    private readonly DetectorOptions _detector;
    private readonly OutputOptions _outputs;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public EvalJob(IOptions<EvalOptions> eval, IOptions<DetectorOptions> detector, IOptions<OutputOptions> outputs, ILoggerFactory loggers)
    {
        _eval = eval.Value;
        _detector = detector.Value;
        _outputs = outputs.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger("lookout.eval");
    }

    public string Name => "eval";

    public Task<int> RunAsync(CancellationToken stop)
    {
        if (string.IsNullOrWhiteSpace(_eval.Data))
        {
            throw new DatasetException("(none)", "no dataset given. Pass a VOC or YOLO-txt folder: lookout eval --model M.onnx --data DIR.");
        }

        if (_eval.ClassAgnostic && _eval.Record)
        {
            throw new OptionsValidationException(
                EvalOptions.SectionName,
                typeof(EvalOptions),
                ["ClassAgnostic and Record together: the card records the per-class scores. Drop --class-agnostic, or --record."]);
        }

        if (_eval.Calibrate && (_eval.ClassAgnostic || _detector.MultiLabel))
        {
            throw new OptionsValidationException(
                EvalOptions.SectionName,
                typeof(EvalOptions),
                [$"Calibrate and {(_eval.ClassAgnostic ? "ClassAgnostic" : "MultiLabel")} together: the card's threshold is for the detections the pipeline draws, one class per box. Drop --{(_eval.ClassAgnostic ? "class-agnostic" : "multi-label")}, or --calibrate."]);
        }

        var dataset = LoadDataset(PathResolver.Resolve(_eval.Data), _eval.Split, _eval.Truth is null ? null : PathResolver.Resolve(_eval.Truth), _loggers.CreateLogger("lookout.dataset"));
        var configured = _detector.Clone();
        configured.ScoreThreshold = _detector.ScoreThreshold ?? EvalOptions.DefaultScoreThreshold;
        // Scored as one class, a box detected twice under two names would count once as a false positive.
        configured.AgnosticNms = _detector.AgnosticNms || _eval.ClassAgnostic;
        using var detector = AnnotateJob.OpenDetector(configured, _loggers.CreateLogger("lookout.detection"));
        CheckReportPath(_eval.Json, detector);
        if ((_eval.Record || _eval.Calibrate) && detector.Card.SourcePath is null)
        {
            // Before the evaluation, not after it: there would be nowhere to write what it found.
            throw new ModelException(
                $"{detector.ModelPath}: {(_eval.Calibrate ? "--calibrate" : "--record")} needs a card file to write to; this model's card was inferred from its metadata. Write a card <model>.json first.");
        }

        var missing = dataset.ClassNames.Where(c => !detector.Labels.Contains(c)).ToArray();
        if (missing.Length == dataset.ClassNames.Count)
        {
            throw new ModelException(
                $"{detector.ModelPath}: the model knows none of the dataset's classes ({string.Join(", ", dataset.ClassNames)}); its labels are {string.Join(", ", detector.Labels.Take(10))}. Check --model or the card's labels.");
        }

        if (missing.Length > 0)
        {
            LogMissingClasses(_logger, string.Join(", ", missing));
        }

        LogStarting(_logger, dataset.Root, dataset.Split ?? "all", dataset.Images.Count, detector.Card.Name, detector.ExecutionProvider, detector.ScoreThreshold);
        var bar = _outputs.Progress ? new ProgressBar(Console.Error, dataset.Images.Count, !Console.IsErrorRedirected) : null;
        var inference = new StageStats("inference", Math.Max(1, dataset.Images.Count));
        var report = DatasetEvaluator.Evaluate(
            dataset,
            image =>
            {
                var detections = detector.Detect(image, out var timings);
                inference.Record(timings.InferenceMs);
                return detections;
            },
            bar is null ? null : new Progress(bar),
            stop,
            (width, height) =>
            {
                var input = detector.InputSizeFor(width, height);
                return Math.Min((double)input.Width / width, (double)input.Height / height);
            },
            _eval.ClassAgnostic);
        bar?.Finish(dataset.Images.Count);
        InferenceLatency? latency = null;
        if (inference.Count > 0)
        {
            latency = new InferenceLatency(detector.ExecutionProvider, inference.Count, inference.Percentile(50), inference.Percentile(95), inference.Mean, configured.Spinning);
            LogLatency(_logger, latency.Provider, latency.P50Ms, latency.P95Ms, latency.MeanMs, latency.Runs, latency.Spinning ? "on" : "off");
        }

        var shownAt = detector.Card.ScoreThreshold;
        if (_eval.Calibrate)
        {
            if (report.OperatingPoints.BestF1 is not { } best)
            {
                throw new ModelException($"{detector.ModelPath}: --calibrate found no detection on {dataset.Root} to choose a threshold from; check the model and the data.");
            }

            if (dataset.Split is "test")
            {
                LogCalibratingOnTest(_logger);
            }

            CardRecord.WriteScoreCalibration(detector, dataset, best);
            LogCalibrated(_logger, best.Score, shownAt, best.F1);
            shownAt = (float)best.Score;
        }

        if (_eval.Record)
        {
            CardRecord.WriteEvaluation(detector, dataset, report, inference, configured.Spinning, configured.MultiLabel, shownAt);
        }

        if (_eval.Json is { } json)
        {
            try
            {
                report.WriteJson(Path.GetFullPath(json), latency);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OutputException($"Cannot write the JSON report '{json}': {e.Message}", e);
            }
        }

        Console.Out.WriteLine(report.FormatTable(shownAt));
        return Task.FromResult(RunOutcome.Ok);
    }

    /// <summary>The JSON report must not replace the model's card (<c>&lt;model&gt;.json</c> by default), which it would make unreadable.</summary>
    private static void CheckReportPath(string? json, OnnxDetector detector)
    {
        if (json is null)
        {
            return;
        }

        var report = Path.GetFullPath(json);
        string[] cards = [Path.ChangeExtension(Path.GetFullPath(detector.ModelPath), ".json"), .. detector.Card.SourcePath is { } card ? [Path.GetFullPath(card)] : Array.Empty<string>()];
        if (cards.Contains(report, StringComparer.Ordinal))
        {
            throw new OptionsValidationException(
                EvalOptions.SectionName,
                typeof(EvalOptions),
                [$"--json {json} is the model's card; the report would replace it. Write the report to another file."]);
        }
    }

    /// <summary>
    /// A VOC folder (has <c>Annotations/</c>), a YOLO-txt folder (has <c>labels/</c>), or a video file with
    /// per-frame truth in JSON lines (<paramref name="truth"/>, default the video's path with <c>.jsonl</c>).
    /// </summary>
    /// <exception cref="DatasetException">None of these, or the dataset is malformed.</exception>
    public static DetectionDataset LoadDataset(string root, string? split, string? truth, ILogger logger)
    {
        if (File.Exists(root))
        {
            if (split is not null)
            {
                throw new DatasetException(root, $"--split {split}: a video has no splits; every frame of it is scored.");
            }

            return VideoTruthDataset.Load(root, truth ?? VideoTruthDataset.DefaultTruthPath(root));
        }

        if (truth is not null)
        {
            throw new DatasetException(truth, "--truth goes with a video given as --data; a dataset folder carries its own annotations.");
        }

        if (!Directory.Exists(root))
        {
            throw new DatasetException(root, "no such folder or file. Pass a PASCAL VOC folder (Annotations/, JPEGImages/), a YOLO-txt folder (images/, labels/), or a video with its truth (--truth FILE.jsonl).");
        }

        if (Directory.Exists(Path.Combine(root, "Annotations")))
        {
            var splits = VocDataset.ListSplits(root);
            split ??= splits.Contains("test") ? "test" : null;
            return NotEmpty(VocDataset.Load(root, split, logger: logger), root, split);
        }

        if (Directory.Exists(Path.Combine(root, "labels")))
        {
            split ??= Directory.Exists(Path.Combine(root, "images", "test")) ? "test" : null;
            return NotEmpty(YoloDataset.Load(root, split, logger: logger), root, split);
        }

        throw new DatasetException(root, "neither a PASCAL VOC folder (no Annotations/) nor a YOLO-txt folder (no labels/).");
    }

    /// <summary>A split with no images would score 0 and look like a result.</summary>
    private static DetectionDataset NotEmpty(DetectionDataset dataset, string root, string? split) => dataset.Images.Count > 0 ? dataset
        : throw new DatasetException(root, $"{(split is null ? "the dataset" : $"split '{split}'")} lists no images, so there is nothing to score; pass a split that has some (--split NAME).");

    private sealed class Progress(ProgressBar bar) : IProgress<int>
    {
        public void Report(int value) => bar.Report(value);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Evaluating {Model} on {Provider} over {Root} (split {Split}, {Images} images), score > {Score}")]
    private static partial void LogStarting(ILogger logger, string root, string split, int images, string model, string provider, float score);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Inference on {Provider}: p50 {P50:F2} ms, p95 {P95:F2} ms, mean {Mean:F2} ms over {Images} images (spin {Spin})")]
    private static partial void LogLatency(ILogger logger, string provider, double p50, double p95, double mean, long images, string spin);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Card score_threshold set to {Score:0.00} (was {Before:0.00}): best F1 {F1:0.000} on this data")]
    private static partial void LogCalibrated(ILogger logger, double score, float before, double f1);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Calibrating on the test split: its figures are then no longer held out; calibrate on a validation split (--split val)")]
    private static partial void LogCalibratingOnTest(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The model has no class named {Classes}; their AP will be 0")]
    private static partial void LogMissingClasses(ILogger logger, string classes);
}
