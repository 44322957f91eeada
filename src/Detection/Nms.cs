using System.Buffers;
using System.Runtime.InteropServices;

namespace Lookout.Detection;

/// <summary>Greedy non-maximum suppression by descending score.</summary>
/// <remarks>
/// A box is dropped when its IoU with an already kept box exceeds the threshold. Class-aware by default:
/// boxes of different classes never suppress each other; class-agnostic on request. Cost is O(n) for ordering
/// (a radix sort on the scores) plus, per candidate examined before the cap is reached, IoU tests against the kept
/// boxes of its class (of all classes when agnostic).
/// </remarks>
public static class Nms
{
    // Per-class chain heads are stack-allocated; beyond this many classes the plain scan is used.
    private const int MaxChainedClasses = 4096;

    // Below this many candidates an insertion sort orders them; above, a radix sort on 11-bit digits.
    private const int SmallSort = 48;
    private const int RadixBits = 11;
    private const int RadixBuckets = 1 << RadixBits;
    private const uint RadixMask = RadixBuckets - 1;

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

        // Candidates are ordered by a stable radix sort on the score bits: O(n) however many are popped, where a
        // heap paid a logarithmic sift per candidate and lost when most of 8,400 candidates had to be examined. Ties
        // go to the lower index, so results are deterministic and match stable-sort implementations (OpenCV,
        // torchvision). The sort's ping-pong buffer comes from the shared pool: no allocation in steady state.
        int[] pooled = ArrayPool<int>.Shared.Rent(n);
        try
        {
            Span<int> order = scratchOrder[..n];
            Span<int> links = pooled.AsSpan(0, n);
            SortByDescendingScore(candidates, MemoryMarshal.Cast<float, uint>(scratchKeys[..n]), order, links);
            return Suppress(candidates, order, links, iouThreshold, classAgnostic, maxDetections, kept);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(pooled);
        }
    }

    private static int Suppress(
        ReadOnlySpan<Candidate> candidates,
        ReadOnlySpan<int> order,
        Span<int> links,
        float iouThreshold,
        bool classAgnostic,
        int maxDetections,
        Span<int> kept)
    {
        int n = candidates.Length;
        int minClass = int.MaxValue;
        int maxClass = int.MinValue;
        for (int i = 0; i < n; i++)
        {
            minClass = Math.Min(minClass, candidates[i].ClassId);
            maxClass = Math.Max(maxClass, candidates[i].ClassId);
        }

        // Class-aware: kept boxes are chained per class so a candidate is tested only against its own class;
        // kept box number j stores the number of the previous kept box of its class at links[j].
        bool chained = !classAgnostic && minClass >= 0 && maxClass < MaxChainedClasses;
        Span<int> heads = chained ? stackalloc int[maxClass + 1] : [];
        heads.Fill(-1);

        int count = 0;
        for (int o = 0; o < n; o++)
        {
            int index = order[o];
            ref readonly Candidate candidate = ref candidates[index];
            bool suppressed = false;
            if (chained)
            {
                for (int j = heads[candidate.ClassId]; j >= 0; j = links[j])
                {
                    if (BoxF.IoU(candidate.Box, candidates[kept[j]].Box) > iouThreshold)
                    {
                        suppressed = true;
                        break;
                    }
                }
            }
            else
            {
                for (int j = 0; j < count; j++)
                {
                    ref readonly Candidate other = ref candidates[kept[j]];
                    if ((classAgnostic || other.ClassId == candidate.ClassId) && BoxF.IoU(candidate.Box, other.Box) > iouThreshold)
                    {
                        suppressed = true;
                        break;
                    }
                }
            }

            if (suppressed)
            {
                continue;
            }

            if (chained)
            {
                links[count] = heads[candidate.ClassId];
                heads[candidate.ClassId] = count;
            }

            kept[count++] = index;
            if (count == maxDetections)
            {
                break;
            }
        }

        return count;
    }

    /// <summary>
    /// Writes candidate indices into <paramref name="order"/> by descending score, ties by ascending index.
    /// <paramref name="keys"/> and <paramref name="spare"/> are scratch of the same length.
    /// </summary>
    private static void SortByDescendingScore(ReadOnlySpan<Candidate> candidates, Span<uint> keys, Span<int> order, Span<int> spare)
    {
        int n = candidates.Length;
        for (int i = 0; i < n; i++)
        {
            keys[i] = DescendingKey(candidates[i].Score);
        }

        if (n <= SmallSort)
        {
            // Stable insertion sort: cheaper than clearing histograms for a handful of candidates.
            for (int i = 0; i < n; i++)
            {
                int item = i;
                uint key = keys[i];
                int j = i - 1;
                for (; j >= 0 && keys[order[j]] > key; j--)
                {
                    order[j + 1] = order[j];
                }

                order[j + 1] = item;
            }

            return;
        }

        // LSD radix sort in three 11-bit digits. Each pass is stable, so equal keys keep ascending index order.
        // A digit that is the same for every key (common for the high bits of scores in [0, 1]) is skipped.
        Span<int> counts = stackalloc int[3 * RadixBuckets];
        counts.Clear();
        for (int i = 0; i < n; i++)
        {
            uint key = keys[i];
            counts[(int)(key & RadixMask)]++;
            counts[RadixBuckets + (int)((key >> RadixBits) & RadixMask)]++;
            counts[(2 * RadixBuckets) + (int)(key >> (2 * RadixBits))]++;
        }

        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Span<int> source = order;
        Span<int> target = spare;
        for (int pass = 0; pass < 3; pass++)
        {
            Span<int> offsets = counts.Slice(pass * RadixBuckets, RadixBuckets);
            int shift = pass * RadixBits;
            if (offsets[(int)((keys[0] >> shift) & RadixMask)] == n)
            {
                continue;
            }

            int sum = 0;
            for (int b = 0; b < RadixBuckets; b++)
            {
                int c = offsets[b];
                offsets[b] = sum;
                sum += c;
            }

            for (int i = 0; i < n; i++)
            {
                int index = source[i];
                int bucket = (int)((keys[index] >> shift) & RadixMask);
                target[offsets[bucket]++] = index;
            }

            Span<int> swap = source;
            source = target;
            target = swap;
        }

        if (source != order)
        {
            source.CopyTo(order);
        }
    }

    // Ascending order of the key is descending order of the score. Floats map to unsigned integers that sort like
    // them (sign bit flipped for positives, all bits for negatives); −0 counts as 0 and NaN sorts last.
    private static uint DescendingKey(float score)
    {
        if (float.IsNaN(score))
        {
            return uint.MaxValue;
        }

        uint bits = BitConverter.SingleToUInt32Bits(score + 0f);
        uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ~ascending;
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
