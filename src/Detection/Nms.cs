namespace Lookout.Detection;

/// <summary>Greedy non-maximum suppression by descending score.</summary>
/// <remarks>
/// A box is dropped when its IoU with an already kept box exceeds the threshold. Class-aware by default:
/// boxes of different classes never suppress each other; class-agnostic on request. Cost is O(n + k·log n)
/// for ordering plus, per candidate examined before the cap is reached, IoU tests against the kept boxes of its class
/// (of all classes when agnostic).
/// </remarks>
public static class Nms
{
    // Per-class chain heads are stack-allocated; beyond this many classes the plain scan is used.
    private const int MaxChainedClasses = 4096;

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

        // Scores are copied out contiguously and the order is a binary heap popped lazily: with a detection cap
        // only the first few hundred candidates are ever ordered, which beats sorting all of them. Ties go to the
        // lower index, so results are deterministic and match stable-sort implementations (OpenCV, torchvision).
        Span<float> keys = scratchKeys[..n];
        Span<int> heap = scratchOrder[..n];
        int minClass = int.MaxValue;
        int maxClass = int.MinValue;
        for (int i = 0; i < n; i++)
        {
            keys[i] = candidates[i].Score;
            heap[i] = i;
            minClass = Math.Min(minClass, candidates[i].ClassId);
            maxClass = Math.Max(maxClass, candidates[i].ClassId);
        }

        // Class-aware: kept boxes are chained per class so a candidate is tested only against its own class.
        // The chain links live in the heap's tail, which each pop frees one slot of: after p pops the slots
        // [n − p, n) are unused, and kept box number j (j < p) stores its link at n − 1 − j.
        bool chained = !classAgnostic && minClass >= 0 && maxClass < MaxChainedClasses;
        Span<int> heads = chained ? stackalloc int[maxClass + 1] : [];
        heads.Fill(-1);

        int size = n;
        for (int i = (size / 2) - 1; i >= 0; i--)
        {
            SiftDown(heap, keys, i, size);
        }

        int count = 0;
        while (size > 0)
        {
            int index = heap[0];
            size--;
            if (size > 0)
            {
                heap[0] = heap[size];
                SiftDown(heap, keys, 0, size);
            }

            ref readonly Candidate candidate = ref candidates[index];
            bool suppressed = false;
            if (chained)
            {
                for (int j = heads[candidate.ClassId]; j >= 0; j = heap[n - 1 - j])
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
                heap[n - 1 - count] = heads[candidate.ClassId];
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

    private static bool Before(ReadOnlySpan<float> keys, int a, int b) => keys[a] > keys[b] || (keys[a] == keys[b] && a < b);

    private static void SiftDown(Span<int> heap, ReadOnlySpan<float> keys, int i, int size)
    {
        int item = heap[i];
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= size)
            {
                break;
            }

            if (child + 1 < size && Before(keys, heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!Before(keys, heap[child], item))
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = item;
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
