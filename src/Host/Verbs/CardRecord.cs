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
    public static void WriteEvaluation(OnnxDetector detector, DetectionDataset dataset, EvaluationReport report, StageStats inference, bool spinning, bool multiLabel)
    {
        var path = detector.Card.SourcePath
            ?? throw new ModelException($"{detector.ModelPath}: --record needs a card file to write to; this model's card was inferred from its metadata. Write a card <model>.json first.");
        JsonObject card;
        try
        {
            card = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ModelException($"{path}: the card is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelException($"{path}: the card is not valid JSON: {e.Message}", e);
        }

        card["evaluation"] = new JsonObject
        {
            ["data"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset.Root)),
            ["split"] = dataset.Split ?? "all",
            ["images"] = report.ImageCount,
            ["map50"] = Math.Round(report.Map50, 4),
            ["map50_95"] = Math.Round(report.Map50To95, 4),
            ["multi_label"] = multiLabel,
            ["at_score_threshold"] = Point(report.OperatingPoints.At(detector.Card.ScoreThreshold)),
            ["best_f1"] = report.OperatingPoints.BestF1 is { } best ? Point(best) : null,
            ["inference_ms_p50"] = inference.Count == 0 ? null : Math.Round(inference.Percentile(50), 3),
            ["inference_ms_mean"] = inference.Count == 0 ? null : Math.Round(inference.Mean, 3),
            ["execution_provider"] = detector.ExecutionProvider,
            ["threads"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) + " cores",
            ["spinning"] = spinning,
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
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
