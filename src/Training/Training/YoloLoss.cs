using Lookout.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lookout.Training.Training;

/// <summary>
/// Loss of <see cref="YoloShapesNet"/>. Assignment (on the CPU, per image) is centre sampling as in
/// FCOS: a grid point is positive for an object when it lies inside the box, within 2.5 strides of its
/// centre, on a level whose size range fits the object; the smallest such object wins, and an object
/// that got fewer than <see cref="MinPoints"/> (default one) takes the nearest free ones. Classification is BCE (or focal: <see cref="Focal"/>) (1 for a positive's class, 0
/// elsewhere) summed over points and divided by the number of positives; the box term is 1 − GIoU
/// over positives; a positive's terms are weighted by its object's point count as
/// <see cref="BalancePower"/> says. Points on difficult objects are ignored. (An IoU-aware target, the
/// positive's IoU with its object as in GFL and YOLOv8, was tried with the bundled recipe: on the 800
/// val images it scored mAP50 0.674 against 0.698, mAP50-95 0.477 against 0.476.)
/// </summary>
/// <remarks>
/// Every tensor-with-number operation here uses a <see cref="Scalar"/> that stays referenced for the
/// whole call: a temporary one made by an implicit conversion can be finalized by the GC while libtorch
/// still reads it, which corrupts it (seen as a libtorch "toDouble" check failure mid-training).
/// </remarks>
internal sealed class YoloLoss
{
    private const float CenterRadius = 2.5f;
    private static readonly Scalar One = 1f.ToScalar();
    private static readonly Scalar Epsilon = 1e-7f.ToScalar();
    private static readonly Scalar BoxWeight = 2.5f.ToScalar();
    private static readonly Scalar FocalBoxWeight = 1f.ToScalar();
    private static readonly Scalar FocalOneMinusAlpha = 0.75f.ToScalar();
    private static readonly Scalar FocalGamma = 2f.ToScalar();
    private static readonly Scalar MinusTwo = (-2f).ToScalar();
    private static readonly Scalar FocalAlphaStep = (0.25f - 0.75f).ToScalar();

    private readonly YoloShapesNet _net;

    public YoloLoss(YoloShapesNet net) => _net = net;

    /// <summary>
    /// How much an object's weight in the loss depends on the number n of grid points it was given (<c>--balance</c>):
    /// a positive point's class and box terms are scaled by n^−p, normalized so the positives' weights still sum to
    /// their number P. 0 (<c>points</c>): every point counts once, so an object weighs n — a 60 px one about 40 times
    /// a 10 px one; 1 (<c>objects</c>): every object weighs the same; 0.5 (<c>sqrt</c>): an object weighs √n.
    /// </summary>
    public float BalancePower { get; set; }

    /// <summary>
    /// Classification by focal loss as in RetinaNet and FCOS, α 0.25, γ 2 (BCE times α_t·(1 − p_t)^γ, so the
    /// many easy background points and well-named positives count little and the hard ones — small objects
    /// taken for another class, distractors — much), with the box term weighed 1 as FCOS does instead of 2.5.
    /// </summary>
    public bool Focal { get; set; }

    /// <summary>
    /// The fewest grid points an object is given (<c>--min-points</c>, 1 to 4, default 1): one with fewer inside its
    /// box also takes the nearest free points of its level within one stride of its centre on both axes — of the
    /// four around the centre — as YOLOv5 gives each object neighbouring cells (the first point at any distance).
    /// An object under two strides has one to four points inside; more positives train its class more often.
    /// </summary>
    public int MinPoints { get; set; } = 1;

    /// <summary>The loss of a batch of inputs of side <paramref name="size"/>.</summary>
    public (Tensor Total, Tensor Cls, Tensor Box) Compute(Tensor distances, Tensor logits, IReadOnlyList<TrainingSample> samples, int size)
    {
        var batch = samples.Count;
        var (centers, strides) = _net.AnchorsFor(size);
        var n = strides.Length;
        var classes = _net.Classes;
        var clsTarget = new float[batch * n * classes];
        var ignore = new float[batch * n];
        var positive = new List<long>();
        var boxTarget = new List<float>();
        var positiveClass = new List<long>();
        var positiveObject = new List<int>();
        var objectBase = 0;
        for (var b = 0; b < batch; b++)
        {
            var assigned = Assign(samples[b], size);
            for (var i = 0; i < n; i++)
            {
                var g = assigned[i];
                if (g < 0)
                {
                    continue;
                }

                if (samples[b].Difficult[g])
                {
                    ignore[b * n + i] = 1;
                    continue;
                }

                positive.Add(b * n + i);
                positiveClass.Add(samples[b].Classes[g]);
                positiveObject.Add(objectBase + g);
                boxTarget.AddRange(samples[b].Boxes.AsSpan(4 * g, 4));
            }

            objectBase += samples[b].Classes.Length;
        }

        var weights = BalancePower > 0 && positiveObject.Count > 0 ? ObjectBalance.Weights(positiveObject, objectBase, BalancePower) : null;

        using var anchorCenters = tensor(centers, [1, n, 2]);
        using var anchorStrides = tensor(strides, [1, n, 1]);
        var d = distances.permute(0, 2, 1) * anchorStrides;
        var predicted = cat([anchorCenters - d[.., .., 0..2], anchorCenters + d[.., .., 2..4]], 2).reshape(-1, 4);
        var logitsFlat = logits.permute(0, 2, 1).reshape(-1, classes);
        using var count = tensor((float)Math.Max(1, positive.Count));
        Tensor boxLoss;
        Tensor target;
        if (positive.Count > 0)
        {
            using var index = tensor(positive.ToArray());
            var predictedPos = predicted.index_select(0, index);
            using var targetPos = tensor(boxTarget.ToArray(), [positive.Count, 4]);
            var (_, giou) = Overlaps(predictedPos, targetPos);
            if (weights is null)
            {
                boxLoss = giou.neg().add(One).sum().div(count);
            }
            else
            {
                using var w = tensor(weights);
                boxLoss = (giou.neg().add(One) * w).sum().div(count);
            }

            using var flatIndex = tensor(positive.Select((p, k) => p * classes + positiveClass[k]).ToArray());
            target = zeros(batch * n * classes);
            target = target.index_put_(ones(positive.Count), flatIndex);
            target = target.reshape(-1, classes);
        }
        else
        {
            boxLoss = zeros(1).sum();
            target = zeros(batch * n, classes);
        }

        for (var i = 0; i < ignore.Length; i++)
        {
            ignore[i] = 1 - ignore[i];
        }

        if (weights is not null)
        {
            for (var k = 0; k < positive.Count; k++)
            {
                ignore[positive[k]] = weights[k];
            }
        }

        using var keep = tensor(ignore, [batch * n, 1]);
        var bce = nn.functional.binary_cross_entropy_with_logits(logitsFlat, target, reduction: nn.Reduction.None);
        if (Focal)
        {
            bce = bce * FocalFactor(logitsFlat, target);
        }

        var clsLoss = (bce * keep).sum().div(count);
        return (clsLoss.add(boxLoss, Focal ? FocalBoxWeight : BoxWeight), clsLoss, boxLoss);
    }

    /// <summary>α_t·(1 − p_t)^γ for logits and 0/1 targets: p_t is the probability given to the target.</summary>
    internal static Tensor FocalFactor(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        var p = logits.sigmoid();
        // 1 − p_t = p where the target is 0, 1 − p where it is 1: p + t·(1 − 2p).
        var miss = p + target * p.mul(MinusTwo).add(One);
        var alpha = target.mul(FocalAlphaStep).add(FocalOneMinusAlpha);
        return (alpha * miss.pow(FocalGamma)).MoveToOuterDisposeScope();
    }

    /// <summary>For each grid point, the index of the object it is assigned to, or −1.</summary>
    internal int[] Assign(TrainingSample sample, int size)
    {
        var (centers, strides) = _net.AnchorsFor(size);
        var n = strides.Length;
        var assigned = new int[n];
        Array.Fill(assigned, -1);
        var areas = new float[n];
        var objects = sample.Classes.Length;
        var points = new int[objects];
        for (var i = 0; i < n; i++)
        {
            float ax = centers[2 * i], ay = centers[2 * i + 1], s = strides[i];
            for (var g = 0; g < objects; g++)
            {
                float x1 = sample.Boxes[4 * g], y1 = sample.Boxes[4 * g + 1], x2 = sample.Boxes[4 * g + 2], y2 = sample.Boxes[4 * g + 3];
                if (ax <= x1 || ax >= x2 || ay <= y1 || ay >= y2 || !LevelFits(Math.Max(x2 - x1, y2 - y1), s))
                {
                    continue;
                }

                if (Math.Abs(ax - (x1 + x2) / 2) > CenterRadius * s || Math.Abs(ay - (y1 + y2) / 2) > CenterRadius * s)
                {
                    continue;
                }

                var area = (x2 - x1) * (y2 - y1);
                if (assigned[i] < 0 || area < areas[i])
                {
                    assigned[i] = g;
                    areas[i] = area;
                }
            }

            if (assigned[i] >= 0)
            {
                points[assigned[i]]++;
            }
        }

        for (var g = 0; g < objects; g++)
        {
            if (points[g] >= MinPoints)
            {
                continue;
            }

            // Too few points inside: the nearest free ones of a fitting level, the first whatever its distance, the
            // rest (up to MinPoints) within one stride of the centre on both axes.
            float x1 = sample.Boxes[4 * g], y1 = sample.Boxes[4 * g + 1], x2 = sample.Boxes[4 * g + 2], y2 = sample.Boxes[4 * g + 3];
            float cx = (x1 + x2) / 2, cy = (y1 + y2) / 2, extent = Math.Max(x2 - x1, y2 - y1);
            while (points[g] < MinPoints)
            {
                var best = -1;
                var bestDistance = float.MaxValue;
                for (var i = 0; i < n; i++)
                {
                    if (!LevelFits(extent, strides[i]) || assigned[i] >= 0)
                    {
                        continue;
                    }

                    float dx = MathF.Abs(centers[2 * i] - cx), dy = MathF.Abs(centers[2 * i + 1] - cy);
                    if (points[g] > 0 && (dx > strides[i] || dy > strides[i]))
                    {
                        continue;
                    }

                    if (dx + dy < bestDistance)
                    {
                        bestDistance = dx + dy;
                        best = i;
                    }
                }

                if (best < 0)
                {
                    break;
                }

                assigned[best] = g;
                points[g]++;
            }
        }

        return assigned;
    }

    /// <summary>Which stride handles an object of this extent (input pixels); the ranges overlap.</summary>
    private static bool LevelFits(float extent, float stride) => stride switch
    {
        8 => extent <= 64,
        16 => extent > 32 && extent <= 128,
        _ => extent > 96,
    };

    /// <summary>IoU and GIoU of matching rows of two [P, 4] box tensors.</summary>
    internal static (Tensor IoU, Tensor GIoU) Overlaps(Tensor a, Tensor b)
    {
        var ix1 = maximum(a[.., 0], b[.., 0]);
        var iy1 = maximum(a[.., 1], b[.., 1]);
        var ix2 = minimum(a[.., 2], b[.., 2]);
        var iy2 = minimum(a[.., 3], b[.., 3]);
        var inter = (ix2 - ix1).relu() * (iy2 - iy1).relu();
        var areaA = (a[.., 2] - a[.., 0]).relu() * (a[.., 3] - a[.., 1]).relu();
        var areaB = (b[.., 2] - b[.., 0]) * (b[.., 3] - b[.., 1]);
        var union = (areaA + areaB - inter).add(Epsilon);
        var iou = inter / union;
        var ex1 = minimum(a[.., 0], b[.., 0]);
        var ey1 = minimum(a[.., 1], b[.., 1]);
        var ex2 = maximum(a[.., 2], b[.., 2]);
        var ey2 = maximum(a[.., 3], b[.., 3]);
        var enclosing = ((ex2 - ex1) * (ey2 - ey1)).add(Epsilon);
        return (iou, iou - (enclosing - union) / enclosing);
    }
}
