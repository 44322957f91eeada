using Lookout.Training.Models;
using Lookout.Training.Training;
using static TorchSharp.torch;

namespace Lookout.Training.Tests.Training;

public sealed class YoloLossTests
{
    [Fact]
    public void Overlaps_HandMadeBoxes_IouAndGiouAsComputedByHand()
    {
        TorchRuntime.Initialize();
        // Half-overlapping squares: intersection 50, union 150, the enclosing box is the union. Disjoint
        // squares 10 apart: IoU 0, union 200, enclosing 300, GIoU −100/300.
        using var a = tensor(new[] { 0f, 0f, 10f, 10f, 0f, 0f, 10f, 10f }, [2, 4]);
        using var b = tensor(new[] { 5f, 0f, 15f, 10f, 20f, 0f, 30f, 10f }, [2, 4]);

        var (iou, giou) = YoloLoss.Overlaps(a, b);

        Assert.Equal([1f / 3, 0f], iou.data<float>().ToArray(), FloatComparer(1e-5f));
        Assert.Equal([1f / 3, -1f / 3], giou.data<float>().ToArray(), FloatComparer(1e-5f));
    }

    [Fact]
    public void Compute_OnePositive_ItsClassAimsAtOneOthersAtZero()
    {
        TorchRuntime.Initialize();
        using var net = new YoloShapesNet(classes: 2, width: 4, inputSize: 64);
        var loss = new YoloLoss(net);
        var n = net.AnchorsFor(64).Strides.Length;
        // A 16-px object centred on the stride-8 point (12, 12), index 1 × 8 + 1 = 9, the only point inside it
        // (distances of half a stride predict an 8-px box there, IoU 0.25: the class target does not depend on it).
        var samples = new[] { new TrainingSample([], [4, 4, 20, 20], [1], [false]) };
        using var distances = full(1, 4, n, 0.5f);
        using var logits = zeros([1, 2, n], requires_grad: true);

        var (total, _, _) = loss.Compute(distances, logits, samples, 64);
        total.backward();

        // d BCE / d logit = sigmoid(0) − target, over one positive: the object's class aims at 1, the rest at 0.
        var grad = logits.grad!;
        Assert.Equal(0.5f - 1f, grad[0, 1, 9].item<float>(), 5);
        Assert.Equal(0.5f, grad[0, 0, 9].item<float>(), 5);
        Assert.Equal(0.5f, grad[0, 1, 10].item<float>(), 5);
    }

    [Theory]
    [InlineData(1, new[] { 9 })]
    [InlineData(3, new[] { 1, 8, 9 })]
    [InlineData(4, new[] { 0, 1, 8, 9 })]
    public void Assign_MinPoints_SmallObjectTakesTheNearestPointsWithinAStride(int minPoints, int[] expected)
    {
        TorchRuntime.Initialize();
        using var net = new YoloShapesNet(classes: 2, width: 4, inputSize: 64);
        var loss = new YoloLoss(net) { MinPoints = minPoints };
        // A 12-px object centred at (11, 11): inside it only the stride-8 point (12, 12), index 9. Within one stride of
        // its centre on both axes also (12, 4) and (4, 12), 8 away (ties go to the lower index: 1, then 8), and (4, 4),
        // 14 away; (20, 12) is nearer, 10 away, but 9 from the centre across.
        var sample = new TrainingSample([], [5, 5, 17, 17], [1], [false]);

        var assigned = loss.Assign(sample, 64);

        Assert.Equal(expected, assigned.Select((g, i) => (g, i)).Where(p => p.g == 0).Select(p => p.i).ToArray());
    }

    [Fact]
    public void Compute_BalanceObjects_LoneTinyObjectsPointWeighsAsMuchAsABigObjectsPoints()
    {
        TorchRuntime.Initialize();
        using var net = new YoloShapesNet(classes: 2, width: 4, inputSize: 64);
        var loss = new YoloLoss(net) { BalancePower = 1 };
        var n = net.AnchorsFor(64).Strides.Length;
        // A 16-px object whose only point is (12, 12), index 9, and a 36-px object on many points of strides 8 and 16;
        // balanced, the tiny object's point carries as much gradient as all the big object's points together.
        var samples = new[] { new TrainingSample([], [4, 4, 20, 20, 24, 24, 60, 60], [1, 0], [false, false]) };
        var assigned = loss.Assign(samples[0], 64);
        var bigPoints = assigned.Count(g => g == 1);
        Assert.Equal(1, assigned.Count(g => g == 0));
        Assert.True(bigPoints > 4, $"{bigPoints} points for the big object");
        using var distances = full(1, 4, n, 0.5f);
        using var logits = zeros([1, 2, n], requires_grad: true);

        var (total, _, _) = loss.Compute(distances, logits, samples, 64);
        total.backward();

        // Class-0 logit of the big object's points aims at 1: their gradients sum to that of the tiny object's class-1 logit.
        var grad = logits.grad!;
        var big = Enumerable.Range(0, n).Where(i => assigned[i] == 1).Sum(i => grad[0, 0, i].item<float>());
        Assert.Equal(grad[0, 1, 9].item<float>(), big, 4);
    }

    [Theory]
    [InlineData(0f, 1f, 0.0625f)]      // p 0.5 on a target: 0.25 × 0.5²
    [InlineData(0f, 0f, 0.1875f)]      // p 0.5 on background: 0.75 × 0.5²
    [InlineData(1.0986123f, 1f, 0.015625f)] // p 0.75 on a target: 0.25 × 0.25²
    [InlineData(1.0986123f, 0f, 0.421875f)] // p 0.75 on background: 0.75 × 0.75²
    public void FocalFactor_HandPickedProbabilities_AlphaTimesMissSquared(float logit, float target, float expected)
    {
        TorchRuntime.Initialize();
        using var l = tensor(new[] { logit });
        using var t = tensor(new[] { target });

        using var factor = YoloLoss.FocalFactor(l, t);

        Assert.Equal(expected, factor.item<float>(), 5);
    }

    [Fact]
    public void Compute_Focal_ZeroLogitsGiveBceScaledByAlphaAndAQuarter()
    {
        TorchRuntime.Initialize();
        using var net = new YoloShapesNet(classes: 2, width: 4, inputSize: 64);
        var bce = new YoloLoss(net);
        var focal = new YoloLoss(net) { Focal = true };
        var n = net.AnchorsFor(64).Strides.Length;
        var samples = new[] { new TrainingSample([], [4, 4, 20, 20], [1], [false]) };
        using var distances = full(1, 4, n, 0.5f);
        using var logits = zeros([1, 2, n]);

        var (_, bceCls, _) = bce.Compute(distances, logits, samples, 64);
        var (_, focalCls, _) = focal.Compute(distances, logits, samples, 64);

        // Every logit 0: BCE ln 2 each over one positive. Focal: the positive's class ×0.0625, the 2n − 1 others ×0.1875.
        Assert.Equal(2 * n * MathF.Log(2), bceCls.item<float>(), 3);
        Assert.Equal(MathF.Log(2) * (0.0625f + 0.1875f * (2 * n - 1)), focalCls.item<float>(), 3);
    }

    private static IEqualityComparer<float> FloatComparer(float tolerance) =>
        EqualityComparer<float>.Create((x, y) => MathF.Abs(x - y) <= tolerance, _ => 0);
}
