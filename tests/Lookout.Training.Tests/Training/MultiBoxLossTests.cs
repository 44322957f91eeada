using Lookout.Training.Models;
using Lookout.Training.Training;
using static TorchSharp.torch;

namespace Lookout.Training.Tests.Training;

public sealed class MultiBoxLossTests
{
    // Four quadrants and one box overlapping the top-left quadrant, normalized corners.
    private static readonly float[] Corners =
    [
        0f, 0f, 0.5f, 0.5f,
        0.5f, 0f, 1f, 0.5f,
        0f, 0.5f, 0.5f, 1f,
        0.5f, 0.5f, 1f, 1f,
        0.1f, 0.1f, 0.6f, 0.6f,
    ];

    [Fact]
    public void Match_HandMadeCase_BestPriorPerObjectAndIouAtLeastHalf()
    {
        float[] objects =
        [
            0f, 0f, 0.5f, 0.5f,       // equals prior 0; prior 4 overlaps it with IoU 0.16 / 0.34 = 0.47 < 0.5
            0.6f, 0.6f, 0.9f, 0.9f,   // inside prior 3, IoU 0.36: only its best prior
            0.05f, 0.55f, 0.1f, 0.6f, // tiny, IoU 0.01 with prior 2: still gets it
        ];

        var matched = MultiBoxLoss.Match(Corners, objects, MultiBoxLoss.PositiveIou);

        Assert.Equal([0, -1, 2, 1, -1], matched);
    }

    [Fact]
    public void Match_PriorOverHalfToTwoObjects_GoesToTheBetterOne()
    {
        float[] objects =
        [
            0f, 0f, 0.45f, 0.5f,   // IoU 0.9 with prior 0, 0.42 with prior 4
            0.1f, 0.1f, 0.62f, 0.6f, // IoU 0.96 with prior 4, 0.46 with prior 0
        ];

        var matched = MultiBoxLoss.Match(Corners, objects, 0.3f);

        Assert.Equal([0, -1, -1, -1, 1], matched);
    }

    [Theory]
    [InlineData(1, new[] { 0, -1, -1, -1, 1 })]
    [InlineData(3, new[] { 0, 1, 1, -1, 1 })]
    public void Match_MinPriors_SmallObjectTakesItsNextBestFreeOverlappingPriors(int minPriors, int[] expected)
    {
        float[] objects =
        [
            0f, 0f, 0.5f, 0.5f,         // equals prior 0; no other prior overlaps it but prior 4, taken by the next
            0.45f, 0.45f, 0.55f, 0.55f, // small, on the quadrants' corner: best prior 4 (IoU 0.04), each quadrant 0.0097
        ];

        // With three wanted, the small object also takes the free quadrants 1 and 2 (tied with 3: the first found stay).
        var matched = MultiBoxLoss.Match(Corners, objects, MultiBoxLoss.PositiveIou, minPriors);

        Assert.Equal(expected, matched);
    }

    [Fact]
    public void Match_NoObjects_AllNegative() =>
        Assert.All(MultiBoxLoss.Match(Corners, [], 0.5f), m => Assert.Equal(-1, m));

    [Fact]
    public void SelectHardNegatives_TwoPositives_KeepsTheSixHighestLossNegatives()
    {
        long[] labels = [0, 2, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0];
        float[] loss = [0.9f, 9f, 0.1f, 0.8f, 9f, 0.3f, 0.7f, 9f, 0.2f, 0.6f, 0.05f, 0.5f, 0.4f];

        var kept = MultiBoxLoss.SelectHardNegatives(loss, labels, positives: 2);

        Assert.Equal(6, kept);
        // Negatives by loss: 0.9 (0), 0.8 (3), 0.7 (6), 0.6 (9), 0.5 (11), 0.4 (12) stay; the rest are ignored.
        Assert.Equal([0, 2, -1, 0, -1, -1, 0, 1, -1, 0, -1, 0, 0], labels);
    }

    [Fact]
    public void SelectHardNegatives_NoPositives_KeepsThreeHardest()
    {
        long[] labels = [0, 0, 0, 0, 0];
        float[] loss = [0.1f, 0.5f, 0.3f, 0.4f, 0.2f];

        Assert.Equal(3, MultiBoxLoss.SelectHardNegatives(loss, labels, positives: 0));
        Assert.Equal([-1, 0, 0, 0, -1], labels);
    }

    [Fact]
    public void SelectHardNegatives_FewerCandidatesThanThreePerPositive_KeepsAll()
    {
        long[] labels = [1, 0, 0, 3];
        float[] loss = [1f, 0.5f, 0.3f, 1f];

        Assert.Equal(2, MultiBoxLoss.SelectHardNegatives(loss, labels, positives: 2));
        Assert.Equal([1, 0, 0, 3], labels);
    }

    [Fact]
    public void Compute_ZeroLogits_ClsAndBoxAsComputedByHand()
    {
        TorchRuntime.Initialize();
        var priors = CornersToPriors(Corners);
        var loss = new MultiBoxLoss(priors, classes: 2, inputSize: 100);
        // Image 0: a square on prior 0 (positive, class 1) and a difficult one on prior 3 (ignored); priors
        // 1, 2, 4 are the only negatives (3 ≤ 3 × 1, all kept). Image 1 has no objects: 3 of its 5 negatives.
        var samples = new[]
        {
            new TrainingSample([], [0, 0, 50, 50, 50, 50, 100, 100], [1, 0], [false, true]),
            new TrainingSample([], [], [], []),
        };
        var offsets = full(2, 5, 4, 5f);
        offsets[0, 0] = tensor(new[] { 1f, 0f, 0f, 0.5f });
        using var logits = zeros(2, 5, 3);

        var (total, cls, box) = loss.Compute(offsets, logits, samples);

        // Cross-entropy of uniform logits over 3 columns is ln 3 per prior: 1 positive + 3 + 3 negatives, over 1 positive.
        Assert.Equal(7 * MathF.Log(3), cls.item<float>(), 4);
        // Target offsets of prior 0 are 0: smooth L1 (β = 1) of (1, 0, 0, 0.5) = 0.5 + 0.125.
        Assert.Equal(0.625f, box.item<float>(), 5);
        Assert.Equal(cls.item<float>() + 0.625f, total.item<float>(), 4);
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(1f, 2f)]
    public void Compute_BalancePower_PositivesWeighByTheirObjectsPriorCount(float power, float expectedRatio)
    {
        TorchRuntime.Initialize();
        var loss = new MultiBoxLoss(CornersToPriors(Corners), classes: 2, inputSize: 100) { BalancePower = power };
        // Object A (class 0) matches priors 0 and 4 (IoU 0.69 each), object B (class 1) prior 3 alone. Balanced
        // by objects (power 1), A's two positives weigh 3/4 each and B's 3/2: A and B weigh the same.
        var samples = new[] { new TrainingSample([], [0, 0, 60, 60, 50, 50, 100, 100], [0, 1], [false, false]) };
        using var offsets = zeros(1, 5, 4);
        using var logits = zeros([1, 5, 3], requires_grad: true);

        var (total, _, _) = loss.Compute(offsets, logits, samples);
        total.backward();

        var grad = logits.grad!;
        Assert.Equal(grad[0, 0, 1].item<float>(), grad[0, 4, 1].item<float>(), 6);
        Assert.Equal(expectedRatio, grad[0, 3, 2].item<float>() / grad[0, 0, 1].item<float>(), 4);
    }

    private static float[] CornersToPriors(float[] corners)
    {
        var priors = new float[corners.Length];
        for (var i = 0; i < corners.Length; i += 4)
        {
            priors[i] = (corners[i] + corners[i + 2]) / 2;
            priors[i + 1] = (corners[i + 1] + corners[i + 3]) / 2;
            priors[i + 2] = corners[i + 2] - corners[i];
            priors[i + 3] = corners[i + 3] - corners[i + 1];
        }

        return priors;
    }
}
