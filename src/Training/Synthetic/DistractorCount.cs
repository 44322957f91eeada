namespace Lookout.Training.Synthetic;

/// <summary>
/// How many distractors (things that are not objects) a synthetic image holds when told (<c>synth --distractors</c>):
/// from <see cref="Min"/> to <see cref="Max"/>, both included; as many in front of the objects as without a count
/// (none, or in half the images 1 or 2), the rest behind them.
/// </summary>
public readonly record struct DistractorCount
{
    /// <summary>The most distractors one image may hold.</summary>
    public const int Most = 64;

    /// <exception cref="ArgumentOutOfRangeException">Not 0 ≤ min ≤ max ≤ <see cref="Most"/>.</exception>
    public DistractorCount(int min, int max)
    {
        if (min < 0 || max < min || max > Most)
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"distractor count {min}-{max}: need 0 <= min <= max <= {Most}.");
        }

        Min = min;
        Max = max;
    }

    public int Min { get; }

    public int Max { get; }

    public override string ToString() => $"{Min}-{Max}";
}
