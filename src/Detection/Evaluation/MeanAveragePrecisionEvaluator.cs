using Lookout.Detection.Datasets;

namespace Lookout.Detection.Evaluation;

/// <summary>
/// Accumulates ground truth and detections image by image, then computes per-class AP at IoU 0.5 (VOC
/// all-point interpolation) and COCO-style AP averaged over IoU 0.50:0.05:0.95 with the same
/// interpolation. Means are taken over the classes that have ground truth.
/// </summary>
/// <remarks>
/// Matching follows the VOC devkit: detections of a class are ranked by score over the whole set; each
/// is matched to the same-class object of its image with the highest IoU. Above the threshold it is a
/// true positive if that object is free and not difficult, ignored if it is difficult, and a false
/// positive if it was already taken; below the threshold it is a false positive.
/// </remarks>
public sealed class MeanAveragePrecisionEvaluator
{
    /// <summary>The ten COCO IoU thresholds 0.50, 0.55 … 0.95.</summary>
    public static readonly IReadOnlyList<double> CocoIouThresholds = [.. Enumerable.Range(0, 10).Select(i => Math.Round(0.5 + 0.05 * i, 2))];

    private readonly IReadOnlyList<string> _classNames;
    private readonly List<AnnotatedObject[]> _truths = [];
    private readonly List<Detection[]> _detections = [];
    private readonly List<double> _scales = [];

    public MeanAveragePrecisionEvaluator(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new ArgumentException("at least one class is needed.", nameof(classNames));
        }

        _classNames = classNames;
    }

    public int ImageCount => _truths.Count;

    /// <summary>Adds one image. Class ids of both lists index the class names given to the constructor.</summary>
    /// <param name="inputScale">How much the network's input scales this image (for the size breakdown); 1 for image pixels.</param>
    public void Add(IReadOnlyList<AnnotatedObject> groundTruth, IReadOnlyList<Detection> detections, double inputScale = 1)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        foreach (var t in groundTruth)
        {
            CheckClass(t.ClassId, nameof(groundTruth));
        }

        foreach (var d in detections)
        {
            CheckClass(d.ClassId, nameof(detections));
        }

        _truths.Add([.. groundTruth]);
        _detections.Add([.. detections]);
        _scales.Add(inputScale);
    }

    public EvaluationReport Compute() => Compute(SizeBucket.Default);

    /// <summary>The report, with mAP per size bucket over the classes that have objects in it.</summary>
    public EvaluationReport Compute(IReadOnlyList<SizeBucket> sizes)
    {
        var classes = new ClassAveragePrecision[_classNames.Count];
        var pooled = new List<(float Score, sbyte Outcome)>();
        for (var c = 0; c < classes.Length; c++)
        {
            classes[c] = ComputeClass(c, null, pooled);
        }

        var bySize = new List<SizeResult>(sizes.Count);
        foreach (var bucket in sizes)
        {
            var inBucket = Enumerable.Range(0, _classNames.Count).Select(c => ComputeClass(c, bucket)).Where(c => c.IsEvaluated).ToList();
            bySize.Add(new SizeResult(
                bucket,
                inBucket.Sum(c => c.GroundTruths),
                inBucket.Count == 0 ? double.NaN : inBucket.Average(c => c.Ap50),
                inBucket.Count == 0 ? double.NaN : inBucket.Average(c => c.Ap50To95)));
        }

        return new EvaluationReport(ImageCount, classes)
        {
            BySize = bySize,
            OperatingPoints = new OperatingPoints(pooled, classes.Sum(c => c.GroundTruths)),
        };
    }

    private void CheckClass(int classId, string parameter)
    {
        if ((uint)classId >= (uint)_classNames.Count)
        {
            throw new ArgumentException($"class id {classId} is outside the {_classNames.Count} classes being evaluated.", parameter);
        }
    }

    /// <summary>Longer side of <paramref name="box"/> in the size buckets' pixels.</summary>
    private double Side(int image, BoxF box) => Math.Max(box.X2 - box.X1, box.Y2 - box.Y1) * _scales[image];

    /// <summary>Objects outside <paramref name="bucket"/> count as difficult (ignored), and so do unmatched detections outside it.</summary>
    private bool Ignored(int image, AnnotatedObject truth, SizeBucket? bucket) => truth.Difficult || (bucket is not null && !bucket.Contains(Side(image, truth.Box)));

    /// <param name="atIou50">When given, receives each of the class's detections with its outcome at IoU 0.5.</param>
    private ClassAveragePrecision ComputeClass(int classId, SizeBucket? bucket, List<(float Score, sbyte Outcome)>? atIou50 = null)
    {
        int positives = 0, difficult = 0;
        for (var i = 0; i < _truths.Count; i++)
        {
            foreach (var t in _truths[i])
            {
                if (t.ClassId == classId)
                {
                    if (Ignored(i, t, bucket))
                    {
                        difficult++;
                    }
                    else
                    {
                        positives++;
                    }
                }
            }
        }

        var ranked = new List<(int Image, float Score, BoxF Box)>();
        for (var i = 0; i < _detections.Count; i++)
        {
            foreach (var d in _detections[i])
            {
                if (d.ClassId == classId)
                {
                    ranked.Add((i, d.Score, d.Box));
                }
            }
        }

        // Stable, so ties keep the order the images were added in.
        ranked = [.. ranked.OrderByDescending(r => r.Score)];
        if (positives == 0)
        {
            // No object of the class to find: its detections are false, except on a difficult one.
            if (atIou50 is not null)
            {
                foreach (var r in ranked)
                {
                    atIou50.Add((r.Score, BestMatch(_truths[r.Image], classId, r.Box).Iou >= CocoIouThresholds[0] ? (sbyte)0 : (sbyte)-1));
                }
            }

            return new ClassAveragePrecision(classId, _classNames[classId], 0, difficult, ranked.Count, double.NaN, double.NaN, double.NaN);
        }

        // The best-IoU object per detection does not depend on the threshold: find it once.
        var bestTruth = new int[ranked.Count];
        var bestIou = new float[ranked.Count];
        for (var k = 0; k < ranked.Count; k++)
        {
            (bestTruth[k], bestIou[k]) = BestMatch(_truths[ranked[k].Image], classId, ranked[k].Box);
        }

        var outcomes = new sbyte[ranked.Count];
        var taken = new HashSet<(int Image, int Truth)>();
        var aps = new double[CocoIouThresholds.Count];
        for (var t = 0; t < aps.Length; t++)
        {
            var threshold = CocoIouThresholds[t];
            taken.Clear();
            for (var k = 0; k < ranked.Count; k++)
            {
                if (bestTruth[k] < 0 || bestIou[k] < threshold)
                {
                    outcomes[k] = bucket is not null && !bucket.Contains(Side(ranked[k].Image, ranked[k].Box)) ? (sbyte)0 : (sbyte)-1;
                }
                else if (Ignored(ranked[k].Image, _truths[ranked[k].Image][bestTruth[k]], bucket))
                {
                    outcomes[k] = 0;
                }
                else
                {
                    outcomes[k] = taken.Add((ranked[k].Image, bestTruth[k])) ? (sbyte)1 : (sbyte)-1;
                }
            }

            aps[t] = AveragePrecision.FromOutcomes(outcomes, positives);
            if (t == 0 && atIou50 is not null)
            {
                for (var k = 0; k < ranked.Count; k++)
                {
                    atIou50.Add((ranked[k].Score, outcomes[k]));
                }
            }
        }

        return new ClassAveragePrecision(classId, _classNames[classId], positives, difficult, ranked.Count, aps[0], aps[5], aps.Average());
    }

    private static (int Index, float Iou) BestMatch(AnnotatedObject[] truths, int classId, BoxF box)
    {
        var best = -1;
        var bestIou = 0f;
        for (var i = 0; i < truths.Length; i++)
        {
            if (truths[i].ClassId != classId)
            {
                continue;
            }

            var iou = BoxF.IoU(box, truths[i].Box);
            if (iou > bestIou)
            {
                bestIou = iou;
                best = i;
            }
        }

        return (best, bestIou);
    }
}
