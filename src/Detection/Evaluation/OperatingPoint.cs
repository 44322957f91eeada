namespace Lookout.Detection.Evaluation;

/// <summary>
/// What a score threshold gives: the detections scoring above <see cref="Score"/> (as a detector keeps them), all classes pooled, matched to
/// objects at IoU 0.5 as the AP is (a match with a difficult object counts as neither right nor wrong).
/// </summary>
/// <param name="Score">Detections scoring above this are kept.</param>
/// <param name="TruePositives">Kept detections that found an object of their class.</param>
/// <param name="FalsePositives">Kept detections on no object of their class, or on one already found.</param>
/// <param name="GroundTruths">Objects to find (not difficult).</param>
public sealed record OperatingPoint(double Score, int TruePositives, int FalsePositives, int GroundTruths)
{
    /// <summary>Kept detections that are right; 0 when none is kept.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Objects found; 0 when there are none.</summary>
    public double Recall => GroundTruths == 0 ? 0 : (double)TruePositives / GroundTruths;

    /// <summary>The harmonic mean of precision and recall; 0 when both are.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>
/// Precision and recall against the score threshold, from every detection's score and outcome at IoU 0.5: what a
/// person sees at a given threshold, and the threshold of best F1.
/// </summary>
public sealed class OperatingPoints
{
    private readonly float[] _scores;
    private readonly int[] _truePositives;
    private readonly int[] _falsePositives;

    /// <param name="detections">Each detection's score and outcome: +1 right, -1 wrong, 0 ignored (a difficult object).</param>
    /// <param name="groundTruths">Objects to find (not difficult).</param>
    public OperatingPoints(IEnumerable<(float Score, sbyte Outcome)> detections, int groundTruths)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentOutOfRangeException.ThrowIfNegative(groundTruths);
        GroundTruths = groundTruths;
        var ranked = detections.OrderByDescending(d => d.Score).ToArray();
        // One entry per distinct score: the counts of everything scoring at least it.
        var scores = new List<float>();
        var tps = new List<int>();
        var fps = new List<int>();
        int tp = 0, fp = 0;
        for (var k = 0; k < ranked.Length;)
        {
            var score = ranked[k].Score;
            for (; k < ranked.Length && ranked[k].Score == score; k++)
            {
                tp += ranked[k].Outcome > 0 ? 1 : 0;
                fp += ranked[k].Outcome < 0 ? 1 : 0;
            }

            scores.Add(score);
            tps.Add(tp);
            fps.Add(fp);
        }

        (_scores, _truePositives, _falsePositives) = ([.. scores], [.. tps], [.. fps]);
        if (_scores.Length > 0)
        {
            // From the highest threshold down, so a tie keeps the higher one (fewer boxes, same F1).
            for (var i = 99; i >= 1; i--)
            {
                var point = At(i / 100.0);
                if (BestF1 is null || point.F1 > BestF1.F1)
                {
                    BestF1 = point;
                }
            }
        }
    }

    /// <summary>The thresholds a report lists: 0.05, 0.10 … 0.95.</summary>
    public static IReadOnlyList<double> GridScores { get; } = [.. Enumerable.Range(1, 19).Select(i => Math.Round(0.05 * i, 2))];

    public static OperatingPoints None { get; } = new([], 0);

    public int GroundTruths { get; }

    /// <summary>The threshold of 0.01 … 0.99 of best F1 (the highest one where several tie); null with no detections.</summary>
    public OperatingPoint? BestF1 { get; }

    /// <summary>The points at <see cref="GridScores"/>, ascending.</summary>
    public IReadOnlyList<OperatingPoint> Grid => [.. GridScores.Select(At)];

    /// <summary>What keeping the detections that score above <paramref name="score"/> gives.</summary>
    public OperatingPoint At(double score)
    {
        // How many distinct scores lie above the threshold (they are descending), compared in single precision as a
        // detector compares its scores with its threshold.
        var threshold = (float)score;
        int lo = 0, hi = _scores.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_scores[mid] > threshold)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo == 0
            ? new OperatingPoint(score, 0, 0, GroundTruths)
            : new OperatingPoint(score, _truePositives[lo - 1], _falsePositives[lo - 1], GroundTruths);
    }
}
