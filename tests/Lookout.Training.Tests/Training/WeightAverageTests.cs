using Lookout.Training.Models;
using Lookout.Training.Training;
using static TorchSharp.torch;

namespace Lookout.Training.Tests.Training;

public sealed class WeightAverageTests
{
    public WeightAverageTests() => TorchRuntime.Initialize();

    [Fact]
    public void Constructor_FreshAverage_CopiesTheTrainedWeights()
    {
        using var current = new ConvBnAct("c", 3, 4, 3);
        using var average = new ConvBnAct("c", 3, 4, 3);

        _ = new WeightAverage(average, current);

        foreach (var (name, tensor) in current.state_dict())
        {
            Assert.True(tensor.eq(average.state_dict()[name]).all().item<bool>(), name);
        }

        Assert.All(average.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Update_AfterTheWeightsChange_MovesTheAverageByOneMinusDecay()
    {
        using var current = new ConvBnAct("c", 3, 4, 3);
        using var average = new ConvBnAct("c", 3, 4, 3);
        var ema = new WeightAverage(average, current, updates: 10_000);
        var before = average.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var decay = ema.NextDecay;
        using (no_grad())
        {
            foreach (var (_, tensor) in current.state_dict())
            {
                tensor.fill_(tensor.is_floating_point() ? 2 : 7);
            }
        }

        ema.Update();

        Assert.Equal(WeightAverage.Decay * (1 - Math.Exp(-10_001 / WeightAverage.Ramp)), decay, 12);
        Assert.Equal(10_001, ema.Updates);
        foreach (var (name, tensor) in average.state_dict())
        {
            if (tensor.is_floating_point())
            {
                var expected = before[name] * decay + 2 * (1 - decay);
                Assert.True(tensor.allclose(expected, rtol: 1e-5, atol: 1e-6), name);
            }
            else
            {
                // BatchNorm's batch counter is copied, not averaged.
                Assert.Equal(7L, tensor.item<long>());
            }
        }
    }

    [Fact]
    public void NextDecay_FirstSteps_TrustTheNewWeights()
    {
        using var current = new ConvBnAct("c", 3, 4, 3);
        using var average = new ConvBnAct("c", 3, 4, 3);

        var ema = new WeightAverage(average, current);

        Assert.True(ema.NextDecay < 0.001, $"decay {ema.NextDecay}");
    }
}
