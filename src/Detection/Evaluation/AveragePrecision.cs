namespace Lookout.Detection.Evaluation;

/// <summary>Average precision of one ranked list of detections, VOC-style.</summary>
public static class AveragePrecision
{
    /// <summary>
    /// VOC 2010+ all-point interpolated AP: the area under the precision-recall curve after making
    /// precision monotonically non-increasing (each point takes the best precision at any higher recall).
    /// </summary>
    /// <param name="recall">Recall after each ranked detection (non-decreasing).</param>
    /// <param name="precision">Precision after each ranked detection.</param>
    public static double AllPoint(ReadOnlySpan<double> recall, ReadOnlySpan<double> precision)
    {
        if (recall.Length != precision.Length)
        {
            throw new ArgumentException("recall and precision must have the same length.", nameof(precision));
        }

        var n = recall.Length;
        if (n == 0)
        {
            return 0;
        }

        // Envelope from the right: the precision reachable at this recall or beyond.
        var envelope = new double[n];
        var best = 0.0;
        for (var i = n - 1; i >= 0; i--)
        {
            best = Math.Max(best, precision[i]);
            envelope[i] = best;
        }

        var ap = 0.0;
        var previousRecall = 0.0;
        for (var i = 0; i < n; i++)
        {
            if (recall[i] > previousRecall)
            {
                ap += (recall[i] - previousRecall) * envelope[i];
                previousRecall = recall[i];
            }
        }

        return ap;
    }

    /// <summary>
    /// AP from a ranked list of outcomes: +1 a true positive, -1 a false positive, 0 ignored (a match
    /// with a difficult object, which VOC counts as neither).
    /// </summary>
    public static double FromOutcomes(ReadOnlySpan<sbyte> rankedOutcomes, int groundTruthCount)
    {
        if (groundTruthCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groundTruthCount), "AP is undefined for a class with no ground truth.");
        }

        var recall = new double[rankedOutcomes.Length];
        var precision = new double[rankedOutcomes.Length];
        int tp = 0, fp = 0;
        for (var i = 0; i < rankedOutcomes.Length; i++)
        {
            if (rankedOutcomes[i] > 0)
            {
                tp++;
            }
            else if (rankedOutcomes[i] < 0)
            {
                fp++;
            }

            recall[i] = (double)tp / groundTruthCount;
            // An ignored detection before any counted one leaves precision undefined; 0 adds no area.
            precision[i] = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        }

        return AllPoint(recall, precision);
    }
}
