using System.Text.Json;
using Lookout.Detection.Datasets;
using Lookout.Detection.Evaluation;

namespace Lookout.Detection.Tests.Evaluation;

public sealed class MeanAveragePrecisionEvaluatorTests
{
    private static readonly BoxF A = new(0, 0, 10, 10);
    private static readonly BoxF B = new(20, 20, 30, 30);

    private static AnnotatedObject Truth(int classId, BoxF box, bool difficult = false) => new(classId, "c" + classId, box, difficult);

    private static Detection Det(int classId, float score, BoxF box) => new(classId, "c" + classId, score, box);

    [Fact]
    public void Compute_TwoImagesWithDuplicateAndMiss_IsFiveNinths()
    {
        // Ranked: 0.9 hits A in image 1 (TP), 0.8 is nowhere near in image 2 (FP), 0.7 hits B in
        // image 1 (TP), 0.6 repeats A in image 1 (FP: already taken). 3 objects.
        // Recall 1/3, 1/3, 2/3, 2/3; precision 1, 1/2, 2/3, 1/2 -> AP = 1/3 + 1/3*2/3 = 5/9 at every IoU.
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([Truth(0, A), Truth(0, B)], [Det(0, 0.9f, A), Det(0, 0.7f, B), Det(0, 0.6f, A)]);
        evaluator.Add([Truth(0, A)], [Det(0, 0.8f, new BoxF(50, 50, 60, 60))]);

        var report = evaluator.Compute();

        var c = Assert.Single(report.Classes);
        Assert.Equal(3, c.GroundTruths);
        Assert.Equal(4, c.Detections);
        Assert.Equal(5.0 / 9.0, c.Ap50, 12);
        Assert.Equal(5.0 / 9.0, c.Ap50To95, 12);
        Assert.Equal(5.0 / 9.0, report.Map50, 12);
        Assert.Equal(2, report.ImageCount);
    }

    [Fact]
    public void Compute_SizeBuckets_CountOnlyTheBucketsObjectsAndIgnoreOthers()
    {
        // A small object (side 10) and a large one (side 50). Ranked: 0.95 a small false alarm, 0.9 hits
        // the large one, 0.8 hits the small one, 0.6 a large false alarm.
        // Small bucket: FP, ignored (matches an object outside it), TP, ignored (unmatched, outside) -> AP 1/2.
        // Large bucket: ignored (outside), TP, ignored, FP -> AP 1.
        var large = new BoxF(100, 100, 150, 150);
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add(
            [Truth(0, A), Truth(0, large)],
            [Det(0, 0.95f, new BoxF(300, 300, 310, 310)), Det(0, 0.9f, large), Det(0, 0.8f, A), Det(0, 0.6f, new BoxF(400, 400, 450, 450))]);

        var report = evaluator.Compute([new SizeBucket("small", 0, 16), new SizeBucket("large", 16, double.PositiveInfinity)]);

        Assert.Equal(1, report.BySize[0].GroundTruths);
        Assert.Equal(0.5, report.BySize[0].Map50, 12);
        Assert.Equal(1, report.BySize[1].GroundTruths);
        Assert.Equal(1.0, report.BySize[1].Map50, 12);
    }

    [Fact]
    public void Compute_InputScale_BucketsBySideAtTheNetworksInput()
    {
        // A 50 px object in an image the network sees at a quarter of its size is 12.5 px: small.
        var large = new BoxF(100, 100, 150, 150);
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([Truth(0, large)], [Det(0, 0.9f, large)], inputScale: 0.25);

        var report = evaluator.Compute([new SizeBucket("small", 0, 16), new SizeBucket("large", 16, double.PositiveInfinity)]);

        Assert.Equal(1, report.BySize[0].GroundTruths);
        Assert.Equal(1.0, report.BySize[0].Map50, 12);
        Assert.Equal(0, report.BySize[1].GroundTruths);
        Assert.True(double.IsNaN(report.BySize[1].Map50));
    }

    [Fact]
    public void Compute_IoUPointEight_CountsSevenOfTenThresholds()
    {
        // IoU = 80/100 = 0.8: a hit at 0.50, 0.55 … 0.80 (7 thresholds), a miss at 0.85, 0.90, 0.95.
        // AP50 = 1, AP75 = 1, AP50-95 = 7/10.
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([Truth(0, A)], [Det(0, 0.5f, new BoxF(0, 0, 10, 8))]);

        var c = evaluator.Compute().Classes[0];

        Assert.Equal(1.0, c.Ap50, 12);
        Assert.Equal(1.0, c.Ap75, 12);
        Assert.Equal(0.7, c.Ap50To95, 12);
    }

    [Fact]
    public void Compute_DetectionOnDifficultObject_IsNeitherHitNorMiss()
    {
        // The difficult object is not counted (1 positive); the 0.9 detection on it is ignored.
        // Outcomes: ignored, TP -> recall 0, 1; precision 0, 1 -> AP 1 (it would be 0.5 were it an FP).
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([Truth(0, A), Truth(0, B, difficult: true)], [Det(0, 0.9f, B), Det(0, 0.8f, A)]);

        var c = evaluator.Compute().Classes[0];

        Assert.Equal(1, c.GroundTruths);
        Assert.Equal(1, c.Difficult);
        Assert.Equal(1.0, c.Ap50, 12);
    }

    [Fact]
    public void Compute_BestMatchAlreadyTaken_IsFalsePositiveAsInVoc()
    {
        // Objects A=(0,0,10,10) and A'=(5,0,15,10). Detection 2 at (1,0,11,10) overlaps A by
        // 90/110 = 0.82 and A' by 60/140 = 0.43: its best object A is taken, so it is an FP even
        // though A' is free. Recall 1/2, 1/2; precision 1, 1/2 -> AP = 0.5.
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([Truth(0, A), Truth(0, new BoxF(5, 0, 15, 10))], [Det(0, 0.9f, A), Det(0, 0.8f, new BoxF(1, 0, 11, 10))]);

        Assert.Equal(0.5, evaluator.Compute().Classes[0].Ap50, 12);
    }

    [Fact]
    public void Compute_ClassWithoutTruth_IsLeftOutOfTheMean()
    {
        // c0 perfect (AP 1), c1 has only a stray detection and no objects (excluded),
        // c2 has an object and no detection (AP 0). mAP = (1 + 0) / 2 = 0.5.
        var evaluator = new MeanAveragePrecisionEvaluator(["c0", "c1", "c2"]);
        evaluator.Add([Truth(0, A), Truth(2, B)], [Det(0, 0.9f, A), Det(1, 0.9f, B)]);

        var report = evaluator.Compute();

        Assert.True(double.IsNaN(report.Classes[1].Ap50));
        Assert.False(report.Classes[1].IsEvaluated);
        Assert.Equal(0.0, report.Classes[2].Ap50);
        Assert.Equal(0.5, report.Map50, 12);
        Assert.Equal(0.5, report.Map50To95, 12);
    }

    [Fact]
    public void FormatTable_LastLine_IsExactSummary()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0", "c1", "c2"]);
        evaluator.Add([Truth(0, A), Truth(2, B)], [Det(0, 0.9f, A), Det(1, 0.9f, B)]);

        var lines = evaluator.Compute().FormatTable().Split('\n');

        Assert.Equal("mAP50=0.5000 mAP50-95=0.5000", lines[^1]);
        Assert.StartsWith("class", lines[0], StringComparison.Ordinal);
        Assert.Contains("-", lines[2], StringComparison.Ordinal);

        // Header, three classes, the size table (header and four sizes), best F1, the image count, the summary.
        Assert.StartsWith("size", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("< 16 px", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("best F1", lines[9], StringComparison.Ordinal);
        Assert.Equal(12, lines.Length);
    }

    [Fact]
    public void ToJson_ClassWithoutTruth_HasNullAp()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0", "c1"]);
        evaluator.Add([Truth(0, A)], [Det(0, 0.9f, new BoxF(0, 0, 10, 8))]);

        using var json = JsonDocument.Parse(evaluator.Compute().ToJson());

        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("images").GetInt32());
        Assert.Equal(1.0, root.GetProperty("map50").GetDouble());
        Assert.Equal(0.7, root.GetProperty("map50_95").GetDouble(), 9);
        Assert.Equal(10, root.GetProperty("iou_thresholds").GetArrayLength());
        var classes = root.GetProperty("classes");
        Assert.Equal("c0", classes[0].GetProperty("label").GetString());
        Assert.Equal(JsonValueKind.Null, classes[1].GetProperty("ap50").ValueKind);
    }

    [Fact]
    public void Add_ClassIdOutOfRange_Throws()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);

        Assert.Throws<ArgumentException>(() => evaluator.Add([], [Det(3, 0.9f, A)]));
    }
}
