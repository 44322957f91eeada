namespace Lookout.Detection;

/// <summary>
/// Turns raw network outputs into <see cref="Candidate"/> boxes in model-input pixels, one decoder per
/// <see cref="ModelLayout"/>. Each decoder is a pure function: it keeps, per anchor, the best class only,
/// skips anchors whose score is not above the threshold before any box maths, writes into a caller-owned
/// buffer and returns how many candidates it wrote.
/// </summary>
/// <remarks>
/// With <c>multiLabel</c>, an anchor proposes every class whose score is above the threshold, each as its own
/// candidate with the anchor's box (as Ultralytics validation and the SSD paper's evaluation decode); the
/// destination then needs one slot per anchor and class.
/// </remarks>
public static partial class OutputDecoder
{
    private static void RequireLength(ReadOnlySpan<float> span, long needed, string name)
    {
        if (span.Length < needed)
        {
            throw new ArgumentException($"The tensor holds {span.Length} values but the stated shape needs {needed}.", name);
        }
    }

    private static void RequireDestination(Span<Candidate> destination, int count, int classes = 1, bool multiLabel = false)
    {
        if (multiLabel)
        {
            long needed = (long)count * classes;
            if (destination.Length < needed)
            {
                throw new ArgumentException($"Multi-label decoding needs one candidate slot per anchor and class ({needed}).", nameof(destination));
            }
        }
        else if (destination.Length < count)
        {
            throw new ArgumentException($"The destination must hold one candidate per anchor ({count}).", nameof(destination));
        }
    }

    private static BoxF FromCenter(float cx, float cy, float w, float h)
    {
        float hw = w * 0.5f;
        float hh = h * 0.5f;
        return new BoxF(cx - hw, cy - hh, cx + hw, cy + hh);
    }

    /// <summary>Index and value of the largest item; the first one on ties.</summary>
    private static int ArgMax(ReadOnlySpan<float> values, out float best)
    {
        int bestIndex = 0;
        best = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > best)
            {
                best = values[i];
                bestIndex = i;
            }
        }

        return bestIndex;
    }
}
