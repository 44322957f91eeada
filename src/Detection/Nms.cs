using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
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

        // Candidates are ordered by a stable radix sort on the score bits: O(n) however many are examined, where a
        // heap paid a logarithmic sift per candidate and lost when most of 8,400 candidates had to be examined. Ties
        // go to the lower index, so results are deterministic and match stable-sort implementations (OpenCV,
        // torchvision). Pooled buffers: the sort's ping-pong buffer, reused afterwards for the kept boxes' classes
        // and chain links, and the kept boxes' coordinates; no allocation in steady state.
        int capacity = Math.Min(n, maxDetections);
        int[] ints = ArrayPool<int>.Shared.Rent(Math.Max(n, 2 * capacity));
        float[] floats = ArrayPool<float>.Shared.Rent(5 * capacity);
        try
        {
            Span<int> order = scratchOrder[..n];
            SortByDescendingScore(candidates, MemoryMarshal.Cast<float, uint>(scratchKeys[..n]), order, ints.AsSpan(0, n), out int minClass, out int maxClass);

            // One class, or agnostic: every kept box is a suppressor, tested eight or more at a time. Class-aware:
            // kept boxes are chained per class so a candidate is tested only against its own class.
            Mode mode = classAgnostic || minClass == maxClass ? Mode.All
                : minClass >= 0 && maxClass < MaxChainedClasses ? Mode.Chained
                : Mode.SameClass;
            Span<int> heads = mode == Mode.Chained ? stackalloc int[maxClass + 1] : [];
            heads.Fill(-1);
            var store = new KeptStore(floats.AsSpan(0, 5 * capacity), ints.AsSpan(0, 2 * capacity), capacity);
            return Suppress(candidates, order, iouThreshold, mode, heads, maxDetections, kept, store);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<int>.Shared.Return(ints);
        }
    }

    private static int Suppress(
        ReadOnlySpan<Candidate> candidates,
        ReadOnlySpan<int> order,
        float iouThreshold,
        Mode mode,
        Span<int> heads,
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
            bool suppressed = mode switch
            {
                Mode.All => store.AnySuppresses(count, box, area, iouThreshold),
                Mode.Chained => store.ChainSuppresses(heads[classId], box, area, iouThreshold),
                _ => store.SameClassSuppresses(count, classId, box, area, iouThreshold),
            };
            if (suppressed)
            {
                continue;
            }

            store.Add(count, box, area, classId, mode == Mode.Chained ? heads[classId] : -1);
            if (mode == Mode.Chained)
            {
                heads[classId] = count;
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
    /// Writes candidate indices into <paramref name="order"/> by descending score, ties by ascending index, and finds
    /// the range of class ids. <paramref name="keys"/> and <paramref name="spare"/> are scratch of the same length.
    /// </summary>
    [SkipLocalsInit]
    private static void SortByDescendingScore(ReadOnlySpan<Candidate> candidates, Span<uint> keys, Span<int> order, Span<int> spare, out int minClass, out int maxClass)
    {
        int n = candidates.Length;
        minClass = int.MaxValue;
        maxClass = int.MinValue;
        if (n <= SmallSort)
        {
            // Stable insertion sort: cheaper than clearing histograms for a handful of candidates.
            for (int i = 0; i < n; i++)
            {
                ref readonly Candidate c = ref candidates[i];
                minClass = Math.Min(minClass, c.ClassId);
                maxClass = Math.Max(maxClass, c.ClassId);
                uint key = DescendingKey(c.Score);
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
            ref readonly Candidate c = ref candidates[i];
            minClass = Math.Min(minClass, c.ClassId);
            maxClass = Math.Max(maxClass, c.ClassId);
            uint key = DescendingKey(c.Score);
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

    private enum Mode
    {
        /// <summary>Every kept box can suppress every candidate (agnostic, or one class).</summary>
        All,

        /// <summary>Kept boxes are chained per class.</summary>
        Chained,

        /// <summary>Class ids too large or negative to chain: scan all, compare classes.</summary>
        SameClass,
    }

    /// <summary>
    /// The kept boxes as planes of x1, y1, x2, y2 and area (plus class and chain link), small enough to stay in L1
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
        private readonly Span<int> _link;

        public KeptStore(Span<float> floats, Span<int> ints, int capacity)
        {
            _x1 = floats[..capacity];
            _y1 = floats.Slice(capacity, capacity);
            _x2 = floats.Slice(2 * capacity, capacity);
            _y2 = floats.Slice(3 * capacity, capacity);
            _area = floats.Slice(4 * capacity, capacity);
            _class = ints[..capacity];
            _link = ints.Slice(capacity, capacity);
        }

        public void Add(int slot, in BoxF box, float area, int classId, int link)
        {
            _x1[slot] = box.X1;
            _y1[slot] = box.Y1;
            _x2[slot] = box.X2;
            _y2[slot] = box.Y2;
            _area[slot] = area;
            _class[slot] = classId;
            _link[slot] = link;
        }

        public bool ChainSuppresses(int head, in BoxF box, float area, float iouThreshold)
        {
            for (int j = head; j >= 0; j = _link[j])
            {
                if (Suppresses(j, box, area, iouThreshold))
                {
                    return true;
                }
            }

            return false;
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
