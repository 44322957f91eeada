using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lookout.Detection.Evaluation;

/// <summary>The result of an mAP evaluation: a line per class and the means over evaluated classes.</summary>
public sealed class EvaluationReport
{
    public EvaluationReport(int imageCount, IReadOnlyList<ClassAveragePrecision> classes)
    {
        ImageCount = imageCount;
        Classes = classes;
        var evaluated = classes.Where(c => c.IsEvaluated).ToList();
        // With nothing to evaluate there is nothing found either: report 0 rather than NaN.
        Map50 = evaluated.Count == 0 ? 0 : evaluated.Average(c => c.Ap50);
        Map75 = evaluated.Count == 0 ? 0 : evaluated.Average(c => c.Ap75);
        Map50To95 = evaluated.Count == 0 ? 0 : evaluated.Average(c => c.Ap50To95);
    }

    public int ImageCount { get; }

    /// <summary>mAP per object size (<see cref="SizeBucket"/>); empty when not computed.</summary>
    public IReadOnlyList<SizeResult> BySize { get; init; } = [];

    public IReadOnlyList<ClassAveragePrecision> Classes { get; }

    /// <summary>Precision and recall by score threshold, all classes pooled at IoU 0.5; none when not computed.</summary>
    public OperatingPoints OperatingPoints { get; init; } = OperatingPoints.None;

    /// <summary>Mean over classes with ground truth of AP at IoU 0.5 (VOC all-point).</summary>
    public double Map50 { get; }

    /// <summary>Mean over classes with ground truth of AP at IoU 0.75.</summary>
    public double Map75 { get; }

    /// <summary>COCO-style mAP@[.5:.95]: mean over classes of AP averaged over the ten IoU thresholds.</summary>
    public double Map50To95 { get; }

    /// <summary>The summary line, exactly <c>mAP50=0.1234 mAP50-95=0.1234</c>.</summary>
    public string SummaryLine =>
        string.Create(CultureInfo.InvariantCulture, $"mAP50={Map50:F4} mAP50-95={Map50To95:F4}");

    /// <summary>
    /// A per-class table (class, ground truths, difficult, detections, AP50, AP75, AP50-95; "-" for a
    /// class with no ground truth), the sizes, precision and recall at <paramref name="scoreThreshold"/> (the
    /// one the model shows detections at) and at the threshold of best F1, and last <see cref="SummaryLine"/>.
    /// </summary>
    public string FormatTable(double? scoreThreshold = null)
    {
        var width = Math.Max(5, Classes.Count == 0 ? 0 : Classes.Max(c => c.Label.Length));
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"{"class".PadRight(width)} {"gt",7} {"diff",5} {"det",7} {"AP50",7} {"AP75",7} {"AP50-95",8}").Append('\n');
        foreach (var c in Classes)
        {
            sb.Append(inv, $"{c.Label.PadRight(width)} {c.GroundTruths,7} {c.Difficult,5} {c.Detections,7} {Ap(c.Ap50),7} {Ap(c.Ap75),7} {Ap(c.Ap50To95),8}").Append('\n');
        }

        if (BySize.Count > 0)
        {
            // Under the class table's AP50 and AP50-95 columns; sizes are the longer box side at the network's input.
            sb.Append(inv, $"{"size".PadRight(width)} {"gt",7} {string.Empty,5} {string.Empty,7} {"AP50",7} {string.Empty,7} {"AP50-95",8}").Append('\n');
            foreach (var s in BySize)
            {
                sb.Append(inv, $"{s.Bucket.Name.PadRight(width)} {s.GroundTruths,7} {string.Empty,5} {string.Empty,7} {Ap(s.Map50),7} {string.Empty,7} {Ap(s.Map50To95),8}").Append('\n');
            }
        }

        if (OperatingPoints.BestF1 is { } best)
        {
            if (scoreThreshold is { } shown)
            {
                sb.Append(inv, $"at score > {shown:0.###} (the model's threshold): {Describe(OperatingPoints.At(shown))}").Append('\n');
            }

            sb.Append(inv, $"best F1 at score > {best.Score:0.00}: {Describe(best)}").Append('\n');
        }

        sb.Append(inv, $"images: {ImageCount}  classes evaluated: {Classes.Count(c => c.IsEvaluated)} of {Classes.Count}").Append('\n');
        sb.Append(SummaryLine);
        return sb.ToString();
    }

    public override string ToString() => FormatTable();

    private static string Describe(OperatingPoint p) => string.Create(
        CultureInfo.InvariantCulture,
        $"precision {p.Precision:F3}, recall {p.Recall:F3}, F1 {p.F1:F3} ({p.TruePositives} right, {p.FalsePositives} wrong, {p.GroundTruths} objects; IoU 0.5, classes pooled)");

    /// <summary>
    /// JSON for machines: <c>{"images", "iou_thresholds", "map50", "map75", "map50_95", "classes": [{"class_id",
    /// "label", "ground_truths", "difficult", "detections", "ap50", "ap75", "ap50_95"}], "by_size", "operating_points":
    /// [{"score", "true_positives", "false_positives", "precision", "recall", "f1"}], "best_f1", "inference": {"provider",
    /// "runs", "p50_ms", "p95_ms", "mean_ms", "spinning"}}</c>; APs of a class with no ground truth are null, and so are
    /// <c>best_f1</c> with no detections and <c>inference</c> when no latency was given.
    /// </summary>
    public string ToJson(bool indented = true, InferenceLatency? inference = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("images", ImageCount);
            writer.WriteStartArray("iou_thresholds");
            foreach (var t in MeanAveragePrecisionEvaluator.CocoIouThresholds)
            {
                writer.WriteNumberValue(t);
            }

            writer.WriteEndArray();
            writer.WriteNumber("map50", Round(Map50));
            writer.WriteNumber("map75", Round(Map75));
            writer.WriteNumber("map50_95", Round(Map50To95));
            writer.WriteStartArray("classes");
            foreach (var c in Classes)
            {
                writer.WriteStartObject();
                writer.WriteNumber("class_id", c.ClassId);
                writer.WriteString("label", c.Label);
                writer.WriteNumber("ground_truths", c.GroundTruths);
                writer.WriteNumber("difficult", c.Difficult);
                writer.WriteNumber("detections", c.Detections);
                WriteAp(writer, "ap50", c.Ap50);
                WriteAp(writer, "ap75", c.Ap75);
                WriteAp(writer, "ap50_95", c.Ap50To95);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("by_size");
            foreach (var s in BySize)
            {
                writer.WriteStartObject();
                writer.WriteString("size", s.Bucket.Name);
                writer.WriteNumber("min_side", s.Bucket.MinSide);
                if (double.IsPositiveInfinity(s.Bucket.MaxSide))
                {
                    writer.WriteNull("max_side");
                }
                else
                {
                    writer.WriteNumber("max_side", s.Bucket.MaxSide);
                }

                writer.WriteNumber("ground_truths", s.GroundTruths);
                WriteAp(writer, "map50", s.Map50);
                WriteAp(writer, "map50_95", s.Map50To95);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("operating_points");
            if (OperatingPoints.BestF1 is not null)
            {
                foreach (var p in OperatingPoints.Grid)
                {
                    WritePoint(writer, p);
                }
            }

            writer.WriteEndArray();
            if (OperatingPoints.BestF1 is { } best)
            {
                writer.WritePropertyName("best_f1");
                WritePoint(writer, best);
            }
            else
            {
                writer.WriteNull("best_f1");
            }

            if (inference is null)
            {
                writer.WriteNull("inference");
            }
            else
            {
                writer.WriteStartObject("inference");
                writer.WriteString("provider", inference.Provider);
                writer.WriteNumber("runs", inference.Runs);
                writer.WriteNumber("p50_ms", Round(inference.P50Ms));
                writer.WriteNumber("p95_ms", Round(inference.P95Ms));
                writer.WriteNumber("mean_ms", Round(inference.MeanMs));
                writer.WriteBoolean("spinning", inference.Spinning);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes <see cref="ToJson"/> under a temporary name and renames it when complete.</summary>
    public void WriteJson(string path, InferenceLatency? inference = null)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, ToJson(inference: inference) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    private static string Ap(double value) => double.IsNaN(value) ? "-" : value.ToString("F4", CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 6);

    private static void WritePoint(Utf8JsonWriter writer, OperatingPoint p)
    {
        writer.WriteStartObject();
        writer.WriteNumber("score", Round(p.Score));
        writer.WriteNumber("true_positives", p.TruePositives);
        writer.WriteNumber("false_positives", p.FalsePositives);
        writer.WriteNumber("precision", Round(p.Precision));
        writer.WriteNumber("recall", Round(p.Recall));
        writer.WriteNumber("f1", Round(p.F1));
        writer.WriteEndObject();
    }

    private static void WriteAp(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, Round(value));
        }
    }
}
