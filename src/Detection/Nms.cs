namespace Lookout.Detection;

/// <summary>Greedy non-maximum suppression by descending score.</summary>
/// <remarks>
/// A box is dropped when its IoU with an already kept box exceeds the threshold. Class-aware by default:
/// boxes of different classes never suppress each other; class-agnostic on request.
/// </remarks>
public static class Nms
{
    /// <summary>
    /// Writes the indices of the kept candidates, best first, into <paramref name="kept"/> and returns how many.
    /// Allocates nothing: <paramref name="scratchKeys"/> and <paramref name="scratchOrder"/> must hold at least
    /// <c>candidates.Length</c> items and <paramref name="kept"/> at least min(candidates.Length, maxDetections).
    /// </summary>
    public static int Apply(
        ReadOnlySpan<Candidate> candidates,
        float iouThreshold,
        bool classAgnostic,
        int maxDetections,
        Span<int> kept,
        Span<float> scratchKeys,
        Span<int> scratchOrder)
    {
        int n = candidates.Length;
        ArgumentOutOfRangeException.ThrowIfNegative(maxDetections);
        if (scratchKeys.Length < n || scratchOrder.Length < n)
        {
            throw new ArgumentException("Scratch buffers must hold at least one item per candidate.");
        }

        if (kept.Length < Math.Min(n, maxDetections))
        {
            throw new ArgumentException("The kept buffer must hold min(candidates, maxDetections) items.", nameof(kept));
        }

        if (n == 0 || maxDetections == 0)
        {
            return 0;
        }

        Span<float> keys = scratchKeys[..n];
        Span<int> order = scratchOrder[..n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = -candidates[i].Score;
            order[i] = i;
        }

        keys.Sort(order);
        OrderTiesByIndex(keys, order);

        int count = 0;
        for (int k = 0; k < n; k++)
        {
            int index = order[k];
            ref readonly Candidate candidate = ref candidates[index];
            bool suppressed = false;
            for (int j = 0; j < count; j++)
            {
                ref readonly Candidate other = ref candidates[kept[j]];
                if (!classAgnostic && other.ClassId != candidate.ClassId)
                {
                    continue;
                }

                if (BoxF.IoU(candidate.Box, other.Box) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }

            if (!suppressed)
            {
                kept[count++] = index;
                if (count == maxDetections)
                {
                    break;
                }
            }
        }

        return count;
    }

    // Span.Sort is unstable; equal scores are put in input order so results are deterministic and match
    // stable-sort implementations (OpenCV, torchvision). Runs of equal scores are short, so insertion sort suffices.
    private static void OrderTiesByIndex(ReadOnlySpan<float> keys, Span<int> order)
    {
        int n = keys.Length;
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            for (int i = start + 1; i < end; i++)
            {
                int value = order[i];
                int j = i - 1;
                while (j >= start && order[j] > value)
                {
                    order[j + 1] = order[j];
                    j--;
                }

                order[j + 1] = value;
            }

            start = end;
        }
    }

    /// <summary>Convenience form that allocates its buffers; returns the kept indices, best first.</summary>
    public static int[] Apply(ReadOnlySpan<Candidate> candidates, float iouThreshold, bool classAgnostic = false, int maxDetections = int.MaxValue)
    {
        var keys = new float[candidates.Length];
        var order = new int[candidates.Length];
        var kept = new int[Math.Min(candidates.Length, maxDetections)];
        int count = Apply(candidates, iouThreshold, classAgnostic, maxDetections, kept, keys, order);
        return kept.AsSpan(0, count).ToArray();
    }
}
