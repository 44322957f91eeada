namespace Lookout.Training.Synthetic;

/// <summary>How many objects a synthetic image holds: from <see cref="Min"/> to <see cref="Max"/>, both included.</summary>
public readonly record struct ObjectCount
{
    /// <summary>The most objects one image may hold.</summary>
    public const int Most = 64;

    /// <exception cref="ArgumentOutOfRangeException">Not 0 ≤ min ≤ max ≤ <see cref="Most"/>, or max 0.</exception>
    public ObjectCount(int min, int max)
    {
        if (min < 0 || max < min || max > Most || max == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"object count {min}-{max}: need 0 <= min <= max <= {Most} and max >= 1.");
        }

        Min = min;
        Max = max;
    }

    public int Min { get; }

    public int Max { get; }

    public override string ToString() => $"{Min}-{Max}";
}
