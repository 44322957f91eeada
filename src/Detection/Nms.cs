using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lookout.Detection;

/// <summary>Greedy non-maximum suppression by descending score.</summary>
/// <remarks>
/// A box is dropped when its IoU with an already kept box exceeds the threshold. Class-aware by default:
/// boxes of different classes never suppress each other; class-agnostic on request. Class-aware with several
/// classes: grouped by class, then one pass over a class's survivors per box kept, and the kept boxes ordered at the
/// end. Otherwise O(n) for ordering (a radix sort on the scores) plus, per candidate examined before the cap is
/// reached, IoU tests against the kept boxes (eight at a time).
/// </remarks>
public static class Nms
{
    // Class ids in [0, this) are grouped class by class (the per-class offsets are stack-allocated); others are
    // compared while scanning.
    private const int MaxGroupedClasses = 4096;

    // IoU tests per candidate the grouped path may spend before it hands over to the sorted loop.
    private const int GroupedBudgetPerCandidate = 2;

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
    [SkipLocalsInit]
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

        bool groupable = TryClassRange(candidates, out int minClass, out int maxClass);
        if (!classAgnostic && groupable && minClass != maxClass)
        {
            int grouped = PerClass(candidates, iouThreshold, maxClass + 1, maxDetections, kept);
            if (grouped >= 0)
            {
                return grouped;
            }
        }

        // One class, agnostic, or class ids outside [0, 4096): candidates are ordered by a stable radix sort on the
        // score bits, O(n) however many are examined, and each is tested against the kept boxes. Ties go to the lower
        // index, so results are deterministic and match stable-sort implementations (OpenCV, torchvision). Pooled
        // buffers: the sort's ping-pong buffer, reused afterwards for the kept boxes' classes, and the kept boxes'
        // coordinates; no allocation in steady state.
        int capacity = Math.Min(n, maxDetections);
        int[] ints = ArrayPool<int>.Shared.Rent(Math.Max(n, 2 * capacity));
        float[] floats = ArrayPool<float>.Shared.Rent(5 * capacity);
        try
        {
            Span<int> order = scratchOrder[..n];
            SortByDescendingScore(candidates, MemoryMarshal.Cast<float, uint>(scratchKeys[..n]), order, ints.AsSpan(0, n));

            // One class, or agnostic: every kept box is a suppressor, tested eight or more at a time. Otherwise the
            // kept boxes are scanned and their classes compared.
            bool all = classAgnostic || minClass == maxClass;
            var store = new KeptStore(floats.AsSpan(0, 5 * capacity), ints.AsSpan(0, capacity), capacity);
            return Suppress(candidates, order, iouThreshold, all, maxDetections, kept, store);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<int>.Shared.Return(ints);
        }
    }

    private static bool TryClassRange(ReadOnlySpan<Candidate> candidates, out int minClass, out int maxClass)
    {
        minClass = int.MaxValue;
        maxClass = int.MinValue;
        foreach (ref readonly Candidate c in candidates)
        {
            minClass = Math.Min(minClass, c.ClassId);
            maxClass = Math.Max(maxClass, c.ClassId);
        }

        return minClass >= 0 && maxClass < MaxGroupedClasses;
    }

    /// <summary>
    /// Class-aware NMS class by class, without ordering the whole input: the candidates are grouped by class (stable,
    /// so each group is in index order) as planes of coordinates, areas and score keys; within a group the best
    /// survivor is kept and every survivor it overlaps is dropped, in one pass that also compacts the survivors and
    /// finds the next best. That is greedy NMS exactly — a box is kept when no better box of its class that was kept
    /// overlaps it — at the cost of one pass over a class's survivors per box kept, where sorting 8,400 candidates
    /// cost more than all the IoU tests. The kept boxes of all classes are then ordered by score (ties by index) and
    /// cut at <paramref name="maxDetections"/>, which is what the global greedy loop's early stop keeps.
    /// When boxes rarely overlap (many kept per class, say at a score threshold of 0.001), the passes add up to a
    /// class's size squared while the global loop would stop at the cap: past a budget of a few tests per candidate
    /// this gives up and returns −1, and the caller runs the sorted loop instead.
    /// </summary>
    [SkipLocalsInit]
    private static int PerClass(ReadOnlySpan<Candidate> candidates, float iouThreshold, int classCount, int maxDetections, Span<int> kept)
    {
        int n = candidates.Length;
        Span<int> next = stackalloc int[classCount + 1];
        next.Clear();
        foreach (ref readonly Candidate c in candidates)
        {
            next[c.ClassId + 1]++;
        }

        for (int k = 1; k <= classCount; k++)
        {
            next[k] += next[k - 1];
        }

        Grouped[] pooled = ArrayPool<Grouped>.Shared.Rent(n);
        ulong[] pooledKept = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            // next[k] is class k's start; after grouping it is class k's end, which is class k+1's start.
            Span<Grouped> items = pooled.AsSpan(0, n);
            for (int i = 0; i < n; i++)
            {
                ref readonly Candidate c = ref candidates[i];
                BoxF box = c.Box;
                items[next[c.ClassId]++] = new Grouped(box.X1, box.Y1, box.X2, box.Y2, box.Area, DescendingKey(c.Score), i);
            }

            Span<ulong> keptPairs = pooledKept.AsSpan(0, n);
            int keptCount = 0;
            long budget = (GroupedBudgetPerCandidate * (long)n) + 64;
            int start = 0;
            for (int k = 0; k < classCount; k++)
            {
                Span<Grouped> alive = items[start..next[k]];
                start = next[k];
                if (alive.IsEmpty)
                {
                    continue;
                }

                int best = 0;
                for (int i = 1; i < alive.Length; i++)
                {
                    if (alive[i].Key < alive[best].Key)
                    {
                        best = i;
                    }
                }

                int keptOfClass = 0;
                while (true)
                {
                    Grouped b = alive[best];
                    keptPairs[keptCount++] = ((ulong)b.Key << 32) | (uint)b.Index;
                    if (++keptOfClass == maxDetections)
                    {
                        break;
                    }

                    budget -= alive.Length;
                    if (budget < 0)
                    {
                        return -1;
                    }

                    // Drop the kept box and every survivor it overlaps, moving the rest down in order; find the best.
                    int write = 0;
                    int nextBest = -1;
                    uint nextKey = 0;
                    for (int i = 0; i < alive.Length; i++)
                    {
                        if (i == best)
                        {
                            continue;
                        }

                        ref Grouped g = ref alive[i];
                        float iw = MathF.Min(g.X2, b.X2) - MathF.Max(g.X1, b.X1);
                        float ih = MathF.Min(g.Y2, b.Y2) - MathF.Max(g.Y1, b.Y1);
                        if (iw > 0f && ih > 0f)
                        {
                            float intersection = iw * ih;
                            float union = g.Area + b.Area - intersection;
                            if ((union > 0f ? intersection / union : 0f) > iouThreshold)
                            {
                                continue;
                            }
                        }
                        else if (0f > iouThreshold)
                        {
                            continue;
                        }

                        if (nextBest < 0 || g.Key < nextKey)
                        {
                            nextBest = write;
                            nextKey = g.Key;
                        }

                        alive[write++] = g;
                    }

                    alive = alive[..write];
                    if (nextBest < 0)
                    {
                        break;
                    }

                    best = nextBest;
                }
            }

            // Kept boxes of all classes by descending score, ties by ascending index, as the global greedy loop keeps them.
            keptPairs[..keptCount].Sort();
            int count = Math.Min(keptCount, maxDetections);
            for (int i = 0; i < count; i++)
            {
                kept[i] = (int)(uint)keptPairs[i];
            }

            return count;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(pooledKept);
            ArrayPool<Grouped>.Shared.Return(pooled);
        }
    }

    /// <summary>A candidate grouped by class: corners, area, score key (ascending = best first) and input index.</summary>
    private readonly record struct Grouped(float X1, float Y1, float X2, float Y2, float Area, uint Key, int Index);

    private static int Suppress(
        ReadOnlySpan<Candidate> candidates,
        ReadOnlySpan<int> order,
        float iouThreshold,
        bool all,
        int maxDetections,
        Span<int> kept,
        KeptStore store)
    {
        int count = 0;
        for (int o = 0; o < order.Length; o++)
        {
            int index = order[o];
            ref readonly Candidate candidate = ref candidates[index];
            BoxF box = candidate.Box;
            float area = box.Area;
            int classId = candidate.ClassId;
            bool suppressed = all
                ? store.AnySuppresses(count, box, area, iouThreshold)
                : store.SameClassSuppresses(count, classId, box, area, iouThreshold);
            if (suppressed)
            {
                continue;
            }

            store.Add(count, box, area, classId);
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
    [SkipLocalsInit]
    private static void SortByDescendingScore(ReadOnlySpan<Candidate> candidates, Span<uint> keys, Span<int> order, Span<int> spare)
    {
        int n = candidates.Length;
        if (n <= SmallSort)
        {
            // Stable insertion sort: cheaper than clearing histograms for a handful of candidates.
            for (int i = 0; i < n; i++)
            {
                uint key = DescendingKey(candidates[i].Score);
                keys[i] = key;
                int j = i - 1;
                for (; j >= 0 && keys[order[j]] > key; j--)
                {
                    order[j + 1] = order[j];
                }

                order[j + 1] = i;
            }

            return;
        }

        // LSD radix sort in three 11-bit digits, histograms counted while the keys are made. Each pass is stable, so
        // equal keys keep ascending index order. A digit that is the same for every key (common for the high bits of
        // scores in [0, 1]) is skipped. The first pass reads the identity order without writing it out.
        Span<int> counts = stackalloc int[3 * RadixBuckets];
        counts.Clear();
        for (int i = 0; i < n; i++)
        {
            uint key = DescendingKey(candidates[i].Score);
            keys[i] = key;
            counts[(int)(key & RadixMask)]++;
            counts[RadixBuckets + (int)((key >> RadixBits) & RadixMask)]++;
            counts[(2 * RadixBuckets) + (int)(key >> (2 * RadixBits))]++;
        }

        bool identity = true;
        Span<int> source = spare;
        Span<int> target = order;
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

            if (identity)
            {
                for (int i = 0; i < n; i++)
                {
                    target[offsets[(int)((keys[i] >> shift) & RadixMask)]++] = i;
                }

                identity = false;
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    int index = source[i];
                    target[offsets[(int)((keys[index] >> shift) & RadixMask)]++] = index;
                }
            }

            Span<int> swap = source;
            source = target;
            target = swap;
        }

        // source now holds the last pass's output.
        if (identity)
        {
            for (int i = 0; i < n; i++)
            {
                order[i] = i;
            }
        }
        else if (source != order)
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

    /// <summary>
    /// The kept boxes as planes of x1, y1, x2, y2 and area (plus class), small enough to stay in L1
    /// and laid out for vector tests, instead of being read back through the whole candidate array.
    /// </summary>
    /// <remarks>
    /// Every test is exactly <c>BoxF.IoU(candidate, kept) &gt; threshold</c>: the same operations in the same order,
    /// with the areas computed once.
    /// </remarks>
    private readonly ref struct KeptStore
    {
        private readonly Span<float> _x1;
        private readonly Span<float> _y1;
        private readonly Span<float> _x2;
        private readonly Span<float> _y2;
        private readonly Span<float> _area;
        private readonly Span<int> _class;

        public KeptStore(Span<float> floats, Span<int> ints, int capacity)
        {
            _x1 = floats[..capacity];
            _y1 = floats.Slice(capacity, capacity);
            _x2 = floats.Slice(2 * capacity, capacity);
            _y2 = floats.Slice(3 * capacity, capacity);
            _area = floats.Slice(4 * capacity, capacity);
            _class = ints[..capacity];
        }

        public void Add(int slot, in BoxF box, float area, int classId)
        {
            _x1[slot] = box.X1;
            _y1[slot] = box.Y1;
            _x2[slot] = box.X2;
            _y2[slot] = box.Y2;
            _area[slot] = area;
            _class[slot] = classId;
        }

        public bool SameClassSuppresses(int count, int classId, in BoxF box, float area, float iouThreshold)
        {
            for (int j = 0; j < count; j++)
            {
                if (_class[j] == classId && Suppresses(j, box, area, iouThreshold))
                {
                    return true;
                }
            }

            return false;
        }

        public bool AnySuppresses(int count, in BoxF box, float area, float iouThreshold)
        {
            int j = 0;
            int width = Vector<float>.Count;
            if (Vector.IsHardwareAccelerated && count >= width)
            {
                var x1 = new Vector<float>(box.X1);
                var y1 = new Vector<float>(box.Y1);
                var x2 = new Vector<float>(box.X2);
                var y2 = new Vector<float>(box.Y2);
                var candidateArea = new Vector<float>(area);
                var threshold = new Vector<float>(iouThreshold);
                for (; j <= count - width; j += width)
                {
                    Vector<float> iw = Vector.Min(x2, new Vector<float>(_x2[j..])) - Vector.Max(x1, new Vector<float>(_x1[j..]));
                    Vector<float> ih = Vector.Min(y2, new Vector<float>(_y2[j..])) - Vector.Max(y1, new Vector<float>(_y1[j..]));
                    Vector<float> intersection = iw * ih;
                    Vector<float> union = candidateArea + new Vector<float>(_area[j..]) - intersection;
                    Vector<int> overlapping = Vector.GreaterThan(iw, Vector<float>.Zero)
                        & Vector.GreaterThan(ih, Vector<float>.Zero)
                        & Vector.GreaterThan(union, Vector<float>.Zero);
                    Vector<float> iou = Vector.ConditionalSelect(overlapping, intersection / union, Vector<float>.Zero);
                    if (Vector.GreaterThanAny(iou, threshold))
                    {
                        return true;
                    }
                }
            }

            for (; j < count; j++)
            {
                if (Suppresses(j, box, area, iouThreshold))
                {
                    return true;
                }
            }

            return false;
        }

        private bool Suppresses(int j, in BoxF box, float area, float iouThreshold)
        {
            float iw = MathF.Min(box.X2, _x2[j]) - MathF.Max(box.X1, _x1[j]);
            float ih = MathF.Min(box.Y2, _y2[j]) - MathF.Max(box.Y1, _y1[j]);
            if (iw <= 0f || ih <= 0f)
            {
                return 0f > iouThreshold;
            }

            float intersection = iw * ih;
            float union = area + _area[j] - intersection;
            float iou = union > 0f ? intersection / union : 0f;
            return iou > iouThreshold;
        }
    }
}
