using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lookout.Detection;
using Lookout.Detection.Datasets;
using Lookout.Detection.Evaluation;
using Lookout.Host.Reporting;

namespace Lookout.Host.Verbs;

/// <summary>Writes what <c>lookout eval --record</c> measured into the model's card, so the figures travel with the model.</summary>
public static class CardRecord
{
    /// <summary>
    /// Sets the card's <c>evaluation</c> object: dataset, split, images, mAP50, mAP50-95, and the p50/mean
    /// inference latency on the execution provider used (whether its threads spun between runs, <c>--spin</c>, and
    /// whether anchors proposed every class, <c>--multi-label</c>), and precision, recall and F1 at the card's score threshold
    /// and at the threshold of best F1.
    /// Other fields are kept as they are.
    /// </summary>
    /// <exception cref="ModelException">The model has no card file (its card was inferred).</exception>
    /// <param name="scoreThreshold">The card's score threshold as it now stands (after <c>--calibrate</c>, the new one).</param>
    public static void WriteEvaluation(OnnxDetector detector, DetectionDataset dataset, EvaluationReport report, StageStats inference, bool spinning, bool multiLabel, float scoreThreshold)
    {
        var (path, card) = Read(detector, "--record");

        card["evaluation"] = new JsonObject
        {
            ["data"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset.Root)),
            ["split"] = dataset.Split ?? "all",
            ["images"] = report.ImageCount,
            ["map50"] = Math.Round(report.Map50, 4),
            ["map50_95"] = Math.Round(report.Map50To95, 4),
            ["multi_label"] = multiLabel,
            ["at_score_threshold"] = Point(report.OperatingPoints.At(scoreThreshold)),
            ["best_f1"] = report.OperatingPoints.BestF1 is { } best ? Point(best) : null,
            ["inference_ms_p50"] = inference.Count == 0 ? null : Math.Round(inference.Percentile(50), 3),
            ["inference_ms_mean"] = inference.Count == 0 ? null : Math.Round(inference.Mean, 3),
            ["execution_provider"] = detector.ExecutionProvider,
            ["threads"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) + " cores",
            ["spinning"] = spinning,
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        Write(path, card);
    }

    /// <summary>
    /// Sets the card's <c>score_threshold</c> to <paramref name="best"/>'s and records where it came from in
    /// <c>score_calibration</c> (dataset, split, images, precision, recall, F1, date). Other fields are kept.
    /// </summary>
    /// <exception cref="ModelException">The model has no card file (its card was inferred).</exception>
    public static void WriteScoreCalibration(OnnxDetector detector, DetectionDataset dataset, OperatingPoint best)
    {
        var (path, card) = Read(detector, "--calibrate");
        card["score_threshold"] = Math.Round(best.Score, 2);
        card["score_calibration"] = new JsonObject
        {
            ["rule"] = "best F1, all classes pooled, IoU 0.5",
            ["data"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset.Root)),
            ["split"] = dataset.Split ?? "all",
            ["images"] = dataset.Images.Count,
            ["precision"] = Math.Round(best.Precision, 4),
            ["recall"] = Math.Round(best.Recall, 4),
            ["f1"] = Math.Round(best.F1, 4),
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        Write(path, card);
    }

    private static (string Path, JsonObject Card) Read(OnnxDetector detector, string option)
    {
        var path = detector.Card.SourcePath
            ?? throw new ModelException($"{detector.ModelPath}: {option} needs a card file to write to; this model's card was inferred from its metadata. Write a card <model>.json first.");
        try
        {
            var card = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ModelException($"{path}: the card is not a JSON object.");
            return (path, card);
        }
        catch (JsonException e)
        {
            throw new ModelException($"{path}: the card is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Writes the card under a temporary name and renames it when complete.</summary>
    private static void Write(string path, JsonObject card)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, card.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Precision, recall and F1 at a score threshold, for the card.</summary>
    private static JsonObject Point(OperatingPoint p) => new()
    {
        ["score"] = Math.Round(p.Score, 3),
        ["precision"] = Math.Round(p.Precision, 4),
        ["recall"] = Math.Round(p.Recall, 4),
        ["f1"] = Math.Round(p.F1, 4),
    };
}
