using Lookout.Training.Models;
using static TorchSharp.torch;

namespace Lookout.Training.Training;

/// <summary>
/// The SSD MultiBox loss. Matching (on the CPU, per image): each ground-truth object takes the prior that
/// overlaps it most, and every other prior with IoU ≥ 0.5 to some object is a positive for the object it
/// overlaps most, and an object with fewer than <see cref="MinPriors"/> takes its next best free overlapping
/// ones; priors matched to a difficult object are ignored. Classification is softmax cross-entropy
/// over the positives (their class) and the hardest negatives (background), three negatives per positive,
/// ranked by their background loss; the box term is smooth L1 between the predicted and the
/// variance-encoded target offsets of the positives. Both are summed and divided by the number of positives.
/// With <see cref="BalancePower"/> above 0, a positive's class and box terms are weighted by its object's
/// number of matched priors as <see cref="ObjectBalance"/> computes (the negatives keep weight 1).
/// </summary>
/// <remarks>
/// No operation here converts a number to a <see cref="TorchSharp.Scalar"/>: a temporary one can be
/// finalized by the GC while libtorch still reads it (see <see cref="YoloLoss"/>). Counts are tensors and
/// the cross-entropy's ignore index and the smooth-L1 β are plain arguments.
/// </remarks>
internal sealed class MultiBoxLoss
{
    public const float PositiveIou = 0.5f;
    public const int NegativesPerPositive = 3;

    /// <summary>Label of a prior that takes no part in the classification loss.</summary>
    public const long Ignored = -1;

    private readonly Func<int, float[]> _priorsFor;
    private readonly Dictionary<int, (float[] Priors, float[] Corners)> _bySide = [];
    private readonly int _classes;
    private readonly int _inputSize;

    /// <summary>A loss for inputs of side <paramref name="inputSize"/> only, whose priors are <paramref name="priors"/>.</summary>
    public MultiBoxLoss(float[] priors, int classes, int inputSize)
        : this(side => side == inputSize ? priors : throw new ArgumentException($"these priors are for a {inputSize}-pixel input, not {side}.", nameof(side)), classes, inputSize)
    {
    }

    /// <summary>The loss of <paramref name="net"/>, for its input side or any smaller training crop (<see cref="SsdShapesNet.PriorsFor"/>).</summary>
    public MultiBoxLoss(SsdShapesNet net)
        : this(net.PriorsFor, net.Classes, net.InputSize)
    {
    }

    private MultiBoxLoss(Func<int, float[]> priorsFor, int classes, int inputSize)
    {
        _priorsFor = priorsFor;
        _classes = classes;
        _inputSize = inputSize;
    }

    /// <summary>
    /// How much an object's weight depends on its number n of matched priors: its positives' terms are scaled by
    /// n^−p, normalized so the positives' weights sum to their number (0: each prior counts once; see
    /// <see cref="ObjectBalance"/>).
    /// </summary>
    public float BalancePower { get; set; }

    /// <summary>
    /// The fewest priors an object is matched to (<c>--min-priors</c>, default 1, its best): one with fewer at IoU
    /// ≥ 0.5 also takes its next best free priors, as long as they overlap it. A prior that fits a small object
    /// well is rare (the smallest default boxes are about its size, and the grid is coarse next to it), so such
    /// objects otherwise train their class on one prior.
    /// </summary>
    public int MinPriors { get; set; } = 1;

    /// <summary>Offsets [B, N, 4] and logits [B, N, 1 + C] of square inputs of the network's input side against the samples' objects (input pixels).</summary>
    public (Tensor Total, Tensor Cls, Tensor Box) Compute(Tensor offsets, Tensor logits, IReadOnlyList<TrainingSample> samples) =>
        Compute(offsets, logits, samples, _inputSize);

    /// <summary>
    /// Offsets [B, N, 4] and logits [B, N, 1 + C] of square inputs of side <paramref name="side"/> (a training crop
    /// may be smaller than the network's input: its priors keep their sizes in pixels) against the samples'
    /// objects (pixels of that input).
    /// </summary>
    public (Tensor Total, Tensor Cls, Tensor Box) Compute(Tensor offsets, Tensor logits, IReadOnlyList<TrainingSample> samples, int side)
    {
        var (priors, corners) = PriorsFor(side);
        var batch = samples.Count;
        var n = priors.Length / 4;
        var labels = new long[batch * n];
        var positives = new int[batch];
        var positiveIndex = new List<long>();
        var positiveObject = new List<int>();
        var objectBase = 0;
        var targets = new List<float>();
        Span<float> encoded = stackalloc float[4];
        for (var b = 0; b < batch; b++)
        {
            var sample = samples[b];
            var boxes = Normalize(sample.Boxes, side);
            var matched = Match(corners, boxes, PositiveIou, MinPriors);
            for (var i = 0; i < n; i++)
            {
                var g = matched[i];
                if (g < 0)
                {
                    continue;
                }

                if (sample.Difficult[g])
                {
                    labels[b * n + i] = Ignored;
                    continue;
                }

                labels[b * n + i] = sample.Classes[g] + 1;
                positives[b]++;
                positiveIndex.Add(b * n + i);
                positiveObject.Add(objectBase + g);
                SsdPriors.Encode(priors.AsSpan(4 * i, 4), boxes.AsSpan(4 * g, 4), encoded);
                targets.AddRange(encoded);
            }

            objectBase += sample.Classes.Length;
        }

        var weights = BalancePower > 0 && positiveObject.Count > 0 ? ObjectBalance.Weights(positiveObject, objectBase, BalancePower) : null;

        float[] backgroundLoss;
        using (no_grad())
        using (var logProbabilities = nn.functional.log_softmax(logits, 2))
        using (var background = logProbabilities[.., .., 0].neg())
        {
            backgroundLoss = background.contiguous().data<float>().ToArray();
        }

        for (var b = 0; b < batch; b++)
        {
            SelectHardNegatives(backgroundLoss.AsSpan(b * n, n), labels.AsSpan(b * n, n), positives[b]);
        }

        using var count = tensor((float)Math.Max(1, positiveIndex.Count));
        using var target = tensor(labels);
        Tensor clsLoss;
        if (weights is null)
        {
            clsLoss = nn.functional.cross_entropy(logits.reshape(-1, _classes + 1), target, ignore_index: Ignored, reduction: nn.Reduction.Sum).div(count);
        }
        else
        {
            // Ignored priors have a zero loss; the kept negatives weigh 1, each positive its weight.
            var priorWeights = new float[batch * n];
            Array.Fill(priorWeights, 1f);
            for (var k = 0; k < positiveIndex.Count; k++)
            {
                priorWeights[positiveIndex[k]] = weights[k];
            }

            using var w = tensor(priorWeights);
            var perPrior = nn.functional.cross_entropy(logits.reshape(-1, _classes + 1), target, ignore_index: Ignored, reduction: nn.Reduction.None);
            clsLoss = (perPrior * w).sum().div(count);
        }

        Tensor boxLoss;
        if (positiveIndex.Count > 0)
        {
            using var index = tensor(positiveIndex.ToArray());
            using var targetOffsets = tensor(targets.ToArray(), [positiveIndex.Count, 4]);
            var predicted = offsets.reshape(-1, 4).index_select(0, index);
            if (weights is null)
            {
                boxLoss = nn.functional.smooth_l1_loss(predicted, targetOffsets, nn.Reduction.Sum, beta: 1.0).div(count);
            }
            else
            {
                using var w = tensor(weights, [positiveIndex.Count, 1]);
                boxLoss = (nn.functional.smooth_l1_loss(predicted, targetOffsets, nn.Reduction.None, beta: 1.0) * w).sum().div(count);
            }
        }
        else
        {
            // Zero, but still part of the graph so backward reaches every parameter the same way.
            using var zero = tensor(0f);
            boxLoss = offsets.sum().mul(zero);
        }

        return (clsLoss.add(boxLoss), clsLoss, boxLoss);
    }

    /// <summary>
    /// For each prior (corner form, [N × 4]), the index of the object (corner form, [G × 4]) it is matched
    /// to, or −1. Each object first takes its best prior (objects in order, a later one taking a prior wins
    /// it); every other prior goes to the object it overlaps most when that IoU is at least
    /// <paramref name="threshold"/>. Then an object with fewer than <paramref name="minPriors"/> takes its next
    /// best priors that no object has and that overlap it, best first, up to that many.
    /// </summary>
    internal static int[] Match(ReadOnlySpan<float> priorCorners, ReadOnlySpan<float> objects, float threshold, int minPriors = 1)
    {
        var n = priorCorners.Length / 4;
        var objectCount = objects.Length / 4;
        var matched = new int[n];
        Array.Fill(matched, -1);
        if (objectCount == 0)
        {
            return matched;
        }

        var bestIou = new float[n];
        var bestPrior = new int[objectCount];
        var bestPriorIou = new float[objectCount];
        Array.Fill(bestPriorIou, -1f);
        for (var i = 0; i < n; i++)
        {
            var prior = priorCorners.Slice(4 * i, 4);
            for (var g = 0; g < objectCount; g++)
            {
                var iou = SsdPriors.Iou(prior, objects.Slice(4 * g, 4));
                if (iou > bestIou[i])
                {
                    bestIou[i] = iou;
                    matched[i] = g;
                }

                if (iou > bestPriorIou[g])
                {
                    bestPriorIou[g] = iou;
                    bestPrior[g] = i;
                }
            }

            if (bestIou[i] < threshold)
            {
                matched[i] = -1;
            }
        }

        for (var g = 0; g < objectCount; g++)
        {
            matched[bestPrior[g]] = g;
        }

        if (minPriors > 1)
        {
            TopUp(priorCorners, objects, matched, minPriors);
        }

        return matched;
    }

    /// <summary>Gives each object with fewer than <paramref name="minPriors"/> matched priors its best free overlapping ones.</summary>
    private static void TopUp(ReadOnlySpan<float> priorCorners, ReadOnlySpan<float> objects, int[] matched, int minPriors)
    {
        var n = matched.Length;
        var objectCount = objects.Length / 4;
        var counts = new int[objectCount];
        foreach (var g in matched)
        {
            if (g >= 0)
            {
                counts[g]++;
            }
        }

        var bestIous = new float[minPriors];
        var bestIndex = new int[minPriors];
        for (var g = 0; g < objectCount; g++)
        {
            var wanted = minPriors - counts[g];
            if (wanted <= 0)
            {
                continue;
            }

            // The `wanted` best free priors, kept sorted by IoU, highest first.
            var found = 0;
            var box = objects.Slice(4 * g, 4);
            for (var i = 0; i < n; i++)
            {
                if (matched[i] >= 0)
                {
                    continue;
                }

                var iou = SsdPriors.Iou(priorCorners.Slice(4 * i, 4), box);
                if (iou <= 0 || (found == wanted && iou <= bestIous[found - 1]))
                {
                    continue;
                }

                var at = found < wanted ? found++ : found - 1;
                while (at > 0 && bestIous[at - 1] < iou)
                {
                    bestIous[at] = bestIous[at - 1];
                    bestIndex[at] = bestIndex[at - 1];
                    at--;
                }

                bestIous[at] = iou;
                bestIndex[at] = i;
            }

            for (var k = 0; k < found; k++)
            {
                matched[bestIndex[k]] = g;
            }
        }
    }

    /// <summary>
    /// Keeps as negatives (label 0) only the <c>3 × max(1, positives)</c> priors labelled 0 with the
    /// highest background loss, and marks the other background priors <see cref="Ignored"/>. An image
    /// without objects thus still teaches background through its three hardest priors. Returns how many
    /// negatives were kept.
    /// </summary>
    internal static int SelectHardNegatives(ReadOnlySpan<float> backgroundLoss, Span<long> labels, int positives)
    {
        var candidates = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == 0)
            {
                candidates++;
            }
        }

        var keep = Math.Min(candidates, NegativesPerPositive * Math.Max(1, positives));
        if (keep == candidates)
        {
            return keep;
        }

        var keys = new float[candidates];
        var index = new int[candidates];
        var k = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == 0)
            {
                keys[k] = -backgroundLoss[i];
                index[k++] = i;
            }
        }

        // Highest loss first (keys are negated losses).
        Array.Sort(keys, index);
        for (var i = keep; i < candidates; i++)
        {
            labels[index[i]] = Ignored;
        }

        return keep;
    }

    private static float[] Normalize(float[] boxes, int side)
    {
        var normalized = new float[boxes.Length];
        for (var i = 0; i < boxes.Length; i++)
        {
            normalized[i] = boxes[i] / side;
        }

        return normalized;
    }

    private (float[] Priors, float[] Corners) PriorsFor(int side)
    {
        if (!_bySide.TryGetValue(side, out var entry))
        {
            var priors = _priorsFor(side);
            entry = (priors, SsdPriors.ToCorners(priors));
            _bySide.Add(side, entry);
        }

        return entry;
    }
}
