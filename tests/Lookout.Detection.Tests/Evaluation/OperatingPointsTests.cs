using System.Text.Json;
using Lookout.Detection.Datasets;
using Lookout.Detection.Evaluation;

namespace Lookout.Detection.Tests.Evaluation;

public sealed class OperatingPointsTests
{
    private static readonly BoxF A = new(0, 0, 10, 10);
    private static readonly BoxF B = new(20, 20, 30, 30);
    private static readonly BoxF Nowhere = new(50, 50, 60, 60);

    [Fact]
    public void At_ThresholdBetweenScores_CountsOnlyScoresAbove()
    {
        // 0.9 right, 0.6 wrong, 0.3 right, 0.2 ignored (difficult); 4 objects.
        var points = new OperatingPoints([(0.9f, 1), (0.6f, -1), (0.3f, 1), (0.2f, 0)], 4);

        var atHalf = points.At(0.5);
        var atPointThree = points.At(0.3);
        var atZero = points.At(0);

        Assert.Equal((1, 1), (atHalf.TruePositives, atHalf.FalsePositives));
        Assert.Equal(0.5, atHalf.Precision, 12);
        Assert.Equal(0.25, atHalf.Recall, 12);
        // Kept means above the threshold, as a detector keeps them: 0.3 is not above 0.3.
        Assert.Equal((1, 1), (atPointThree.TruePositives, atPointThree.FalsePositives));
        Assert.Equal((2, 1), (atZero.TruePositives, atZero.FalsePositives));
        Assert.Equal(2.0 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), atZero.F1, 12);
    }

    [Fact]
    public void At_AboveEveryScore_KeepsNothingAndScoresZero()
    {
        var points = new OperatingPoints([(0.4f, 1)], 2);

        var p = points.At(0.95);

        Assert.Equal((0, 0), (p.TruePositives, p.FalsePositives));
        Assert.Equal(0, p.Precision);
        Assert.Equal(0, p.F1);
    }

    [Fact]
    public void BestF1_WrongDetectionsScoringLow_PicksTheHighestThresholdBelowTheRightOnes()
    {
        // Right at 0.9 and 0.8, wrong at 0.7 and 0.5, right at 0.4; 3 objects.
        // Above 0.79: 2/2 precision, 2/3 recall, F1 0.8; above 0.39: 3/5, 1, F1 0.75. Any threshold from 0.70 to 0.79
        // keeps the same two; the highest of them is reported.
        var points = new OperatingPoints([(0.9f, 1), (0.8f, 1), (0.7f, -1), (0.5f, -1), (0.4f, 1)], 3);

        var best = Assert.IsType<OperatingPoint>(points.BestF1);

        Assert.Equal(0.79, best.Score, 12);
        Assert.Equal(0.8, best.F1, 12);
    }

    [Fact]
    public void BestF1_NoDetections_IsNull()
    {
        var points = new OperatingPoints([], 5);

        Assert.Null(points.BestF1);
        Assert.Equal(0, points.At(0.25).Recall);
    }

    [Fact]
    public void Grid_NineteenThresholds_AscendFromPointZeroFive()
    {
        var points = new OperatingPoints([(0.52f, 1), (0.12f, -1)], 1);

        var grid = points.Grid;

        Assert.Equal(19, grid.Count);
        Assert.Equal(0.05, grid[0].Score, 12);
        Assert.Equal(0.95, grid[^1].Score, 12);
        Assert.Equal((1, 1), (grid[1].TruePositives, grid[1].FalsePositives)); // above 0.10
        Assert.Equal((1, 0), (grid[2].TruePositives, grid[2].FalsePositives)); // above 0.15
        Assert.Equal((0, 0), (grid[10].TruePositives, grid[10].FalsePositives)); // above 0.55
    }

    [Fact]
    public void Compute_ClassesPooled_CountsMisnamedDuplicateAndClassWithoutObjectsAsWrong()
    {
        // Image: a c0 object at A, a c1 object at B. Detections: c0 on A (right), c0 again on A (duplicate: wrong),
        // c1 on A (misnamed: wrong), c1 on B (right), c2 anywhere (a class with no object: wrong).
        var evaluator = new MeanAveragePrecisionEvaluator(["c0", "c1", "c2"]);
        evaluator.Add(
            [new AnnotatedObject(0, "c0", A, false), new AnnotatedObject(1, "c1", B, false)],
            [
                new Detection(0, "c0", 0.9f, A), new Detection(0, "c0", 0.8f, A), new Detection(1, "c1", 0.7f, A),
                new Detection(1, "c1", 0.6f, B), new Detection(2, "c2", 0.5f, Nowhere),
            ]);

        var points = evaluator.Compute().OperatingPoints;

        var all = points.At(0.1);
        Assert.Equal((2, 3, 2), (all.TruePositives, all.FalsePositives, all.GroundTruths));
        Assert.Equal((1, 1), (points.At(0.75).TruePositives, points.At(0.75).FalsePositives));
    }

    [Fact]
    public void Compute_DetectionOnDifficultObject_IsNeitherRightNorWrong()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([new AnnotatedObject(0, "c0", A, true), new AnnotatedObject(0, "c0", B, false)], [new Detection(0, "c0", 0.9f, A)]);

        var p = evaluator.Compute().OperatingPoints.At(0.5);

        Assert.Equal((0, 0, 1), (p.TruePositives, p.FalsePositives, p.GroundTruths));
    }

    [Fact]
    public void FormatTable_WithModelThreshold_ListsItAndBestF1BeforeTheSummaryLine()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([new AnnotatedObject(0, "c0", A, false)], [new Detection(0, "c0", 0.9f, A), new Detection(0, "c0", 0.3f, Nowhere)]);
        var report = evaluator.Compute();

        var lines = report.FormatTable(0.25).Split('\n');

        Assert.StartsWith("mAP50=", lines[^1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("at score > 0.25 (the model's threshold): precision 0.500, recall 1.000", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("best F1 at score > 0.89: precision 1.000, recall 1.000, F1 1.000", StringComparison.Ordinal));
    }

    [Fact]
    public void ToJson_Report_HasNineteenOperatingPointsAndBestF1()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([new AnnotatedObject(0, "c0", A, false)], [new Detection(0, "c0", 0.9f, A)]);

        using var json = JsonDocument.Parse(evaluator.Compute().ToJson());

        var grid = json.RootElement.GetProperty("operating_points");
        Assert.Equal(19, grid.GetArrayLength());
        Assert.Equal(1.0, grid[0].GetProperty("precision").GetDouble());
        Assert.Equal(0.89, json.RootElement.GetProperty("best_f1").GetProperty("score").GetDouble(), 9);
    }

    [Fact]
    public void ToJson_NoDetections_BestF1IsNull()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([new AnnotatedObject(0, "c0", A, false)], []);

        using var json = JsonDocument.Parse(evaluator.Compute().ToJson());

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("best_f1").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("operating_points").GetArrayLength());
    }

    [Fact]
    public void ToJson_WithInferenceLatency_WritesIt()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([new AnnotatedObject(0, "c0", A, false)], [new Detection(0, "c0", 0.9f, A)]);

        using var json = JsonDocument.Parse(evaluator.Compute().ToJson(inference: new InferenceLatency("CPU", 800, 2.5, 3.75, 2.875, false)));

        var inference = json.RootElement.GetProperty("inference");
        Assert.Equal("CPU", inference.GetProperty("provider").GetString());
        Assert.Equal(800, inference.GetProperty("runs").GetInt64());
        Assert.Equal(2.5, inference.GetProperty("p50_ms").GetDouble());
        Assert.Equal(3.75, inference.GetProperty("p95_ms").GetDouble());
        Assert.Equal(2.875, inference.GetProperty("mean_ms").GetDouble());
        Assert.False(inference.GetProperty("spinning").GetBoolean());
    }

    [Fact]
    public void ToJson_NoInferenceLatency_InferenceIsNull()
    {
        var evaluator = new MeanAveragePrecisionEvaluator(["c0"]);
        evaluator.Add([new AnnotatedObject(0, "c0", A, false)], []);

        using var json = JsonDocument.Parse(evaluator.Compute().ToJson());

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("inference").ValueKind);
    }
}
