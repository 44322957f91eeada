using TorchSharp;
using static TorchSharp.torch;

namespace Lookout.Training.Training;

/// <summary>
/// An exponential moving average of a network's weights and BatchNorm statistics (<c>--ema</c>), as the
/// YOLOv5/YOLOv8 trainers keep: after every optimizer step each floating-point entry of the state becomes
/// <c>d·average + (1 − d)·current</c>, with <c>d = Decay·(1 − e^(−updates/Ramp))</c> so the first steps'
/// random weights fade fast. Validation, <c>best.ckpt</c> and the export use the average; training goes
/// on with the raw weights. Other entries (BatchNorm's batch counter) are copied.
/// </summary>
internal sealed class WeightAverage
{
    public const double Decay = 0.9999;
    public const double Ramp = 2000;

    private readonly (Tensor Average, Tensor Current)[] _floats;
    private readonly (Tensor Average, Tensor Current)[] _others;

    /// <param name="average">A network of the same shape as <paramref name="current"/>; it starts as a copy.</param>
    /// <param name="current">The network being trained.</param>
    /// <param name="updates">Steps already averaged (a resumed run's).</param>
    /// <param name="copy">Start the average as a copy of <paramref name="current"/> (false: it holds a resumed run's average).</param>
    public WeightAverage(nn.Module average, nn.Module current, long updates = 0, bool copy = true)
    {
        var target = average.state_dict();
        var source = current.state_dict();
        if (target.Count != source.Count || target.Keys.Except(source.Keys).Any())
        {
            throw new ArgumentException("the averaged network's state does not match the trained network's.", nameof(average));
        }

        var pairs = target.Keys.Select(k => (Average: target[k], Current: source[k])).ToArray();
        _floats = [.. pairs.Where(p => p.Average.is_floating_point())];
        _others = [.. pairs.Where(p => !p.Average.is_floating_point())];
        Updates = updates;
        if (copy)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            foreach (var (a, c) in pairs)
            {
                a.copy_(c);
            }
        }

        average.eval();
        foreach (var p in average.parameters())
        {
            p.requires_grad = false;
        }
    }

    /// <summary>Steps averaged so far.</summary>
    public long Updates { get; private set; }

    /// <summary>The decay the next update uses.</summary>
    public double NextDecay => Decay * (1 - Math.Exp(-(Updates + 1) / Ramp));

    /// <summary>Folds the trained network's current state into the average (call after each optimizer step).</summary>
    public void Update()
    {
        var d = NextDecay;
        Updates++;
        using var keep = d.ToScalar();
        using var take = (1 - d).ToScalar();
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (a, c) in _floats)
            {
                a.mul_(keep).add_(c, take);
            }

            foreach (var (a, c) in _others)
            {
                a.copy_(c);
            }
        }
    }
}
