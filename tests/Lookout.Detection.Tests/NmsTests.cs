namespace Lookout.Detection.Tests;

public sealed class NmsTests
{
    private static readonly Candidate[] OverlappingPairOfTwoClasses =
    [
        new(new BoxF(0, 0, 100, 100), 0.9f, 0),
        new(new BoxF(5, 5, 105, 105), 0.8f, 1),
        new(new BoxF(2, 2, 102, 102), 0.7f, 0),
        new(new BoxF(300, 300, 400, 400), 0.6f, 0),
    ];

    [Fact]
    public void Apply_ClassAware_DifferentClassesDoNotSuppressEachOther()
    {
        int[] kept = Nms.Apply(OverlappingPairOfTwoClasses, 0.5f);

        Assert.Equal([0, 1, 3], kept);
    }

    [Fact]
    public void Apply_ClassAgnostic_OverlapSuppressesAcrossClasses()
    {
        int[] kept = Nms.Apply(OverlappingPairOfTwoClasses, 0.5f, classAgnostic: true);

        Assert.Equal([0, 3], kept);
    }

    [Fact]
    public void Apply_UnsortedInput_ReturnsIndicesByDescendingScore()
    {
        Candidate[] candidates =
        [
            new(new BoxF(0, 0, 10, 10), 0.2f, 0),
            new(new BoxF(20, 0, 30, 10), 0.9f, 0),
            new(new BoxF(40, 0, 50, 10), 0.5f, 0),
        ];

        Assert.Equal([1, 2, 0], Nms.Apply(candidates, 0.5f));
    }

    [Fact]
    public void Apply_IoUEqualToThreshold_KeepsBox()
    {
        // Suppression needs an IoU strictly above the threshold, as in torchvision and OpenCV.
        Candidate[] candidates =
        [
            new(new BoxF(0, 0, 10, 10), 0.9f, 0),
            new(new BoxF(5, 0, 15, 10), 0.8f, 0),
        ];
        float iou = BoxF.IoU(candidates[0].Box, candidates[1].Box);

        Assert.Equal(2, Nms.Apply(candidates, iou).Length);
        Assert.Single(Nms.Apply(candidates, iou - 1e-6f));
    }

    [Fact]
    public void Apply_MaxDetections_StopsAfterThatMany()
    {
        var candidates = new Candidate[10];
        for (int i = 0; i < candidates.Length; i++)
        {
            candidates[i] = new Candidate(new BoxF(i * 20, 0, (i * 20) + 10, 10), 0.5f + (i * 0.01f), 0);
        }

        Assert.Equal([9, 8, 7], Nms.Apply(candidates, 0.5f, maxDetections: 3));
    }

    [Fact]
    public void Apply_EqualScores_KeepsInputOrder()
    {
        var candidates = new Candidate[40];
        for (int i = 0; i < candidates.Length; i++)
        {
            candidates[i] = new Candidate(new BoxF(i * 20, 0, (i * 20) + 10, 10), 0.5f, 0);
        }

        int[] kept = Nms.Apply(candidates, 0.5f);

        Assert.Equal(Enumerable.Range(0, 40), kept);
    }

    [Theory]
    [InlineData(20, 3, false, 300)]
    [InlineData(3000, 80, false, 300)]
    [InlineData(3000, 80, true, 300)]
    [InlineData(4420, 1, false, 300)]
    [InlineData(3000, 5, false, 12)]
    [InlineData(3000, 5000, false, 300)]
    public void Apply_ClusteredCandidatesWithTiedScores_MatchesPlainGreedyNms(int count, int classes, bool agnostic, int max)
    {
        // Many jittered copies of a few objects, scores rounded so that ties are common: the order, the ties and
        // the per-class chains all matter here.
        var random = new Random(count + classes);
        var objects = new (float X, float Y, float S, int C)[Math.Max(1, count / 40)];
        for (int o = 0; o < objects.Length; o++)
        {
            objects[o] = (random.NextSingle() * 500, random.NextSingle() * 500, 20 + (random.NextSingle() * 80), random.Next(classes));
        }

        var candidates = new Candidate[count];
        for (int i = 0; i < count; i++)
        {
            var (x, y, size, c) = objects[random.Next(objects.Length)];
            float dx = (random.NextSingle() - 0.5f) * size * 0.3f;
            float dy = (random.NextSingle() - 0.5f) * size * 0.3f;
            float score = MathF.Round(random.NextSingle(), 2);
            candidates[i] = new Candidate(new BoxF(x + dx, y + dy, x + dx + size, y + dy + size), score, c);
        }

        int[] expected = PlainGreedyNms(candidates, 0.45f, agnostic, max);

        Assert.Equal(expected, Nms.Apply(candidates, 0.45f, agnostic, max));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(40)]
    public void Apply_ManyApartBoxesOfSeveralClasses_MatchesPlainGreedyNms(int max)
    {
        // Boxes on a grid barely overlap, so nearly every one is kept: the case where grouping by class would test
        // each class's boxes against each other and the sorted loop stops at the cap instead.
        var random = new Random(7);
        var candidates = new Candidate[2500];
        for (int i = 0; i < candidates.Length; i++)
        {
            float x = (i % 50) * 12f;
            float y = (i / 50) * 12f;
            candidates[i] = new Candidate(new BoxF(x, y, x + 13f, y + 13f), MathF.Round(random.NextSingle(), 2), random.Next(4));
        }

        Assert.Equal(PlainGreedyNms(candidates, 0.3f, false, max), Nms.Apply(candidates, 0.3f, false, max));
    }

    [Fact]
    public void Apply_NaNScoresAmongClasses_OrdersThemLast()
    {
        Candidate[] candidates = new Candidate[90];
        for (int i = 0; i < candidates.Length; i++)
        {
            float score = i % 4 == 0 ? float.NaN : (i % 10) / 10f;
            candidates[i] = new Candidate(new BoxF(i * 20, 0, (i * 20) + 10, 10), score, i % 3);
        }

        int[] kept = Nms.Apply(candidates, 0.5f);

        Assert.Equal(candidates.Length, kept.Length);
        Assert.All(kept[^23..], i => Assert.True(float.IsNaN(candidates[i].Score)));
        Assert.Equal(kept[^23..].Order(), kept[^23..]);
    }

    [Fact]
    public void Apply_NegativeAndZeroScores_OrdersThemLikeFloats()
    {
        Candidate[] candidates = new Candidate[60];
        for (int i = 0; i < candidates.Length; i++)
        {
            float score = (i % 3) switch { 0 => -i / 100f, 1 => i % 2 == 0 ? 0f : -0f, _ => i / 100f };
            candidates[i] = new Candidate(new BoxF(i * 20, 0, (i * 20) + 10, 10), score, 0);
        }

        Assert.Equal(PlainGreedyNms(candidates, 0.5f, false, int.MaxValue), Nms.Apply(candidates, 0.5f));
    }

    [Fact]
    public void Apply_Empty_ReturnsNothing()
    {
        Assert.Empty(Nms.Apply([], 0.5f));
    }

    [Fact]
    public void Apply_CallerBuffers_AllocatesNothing()
    {
        Candidate[] candidates = RandomCandidates(2000, 80, seed: 1);
        var kept = new int[300];
        var keys = new float[candidates.Length];
        var order = new int[candidates.Length];
        Nms.Apply(candidates, 0.45f, false, 300, kept, keys, order);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Nms.Apply(candidates, 0.45f, false, 300, kept, keys, order);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    // The textbook form: stable sort by descending score, then keep a box unless a kept box of its class overlaps it.
    private static int[] PlainGreedyNms(Candidate[] candidates, float iou, bool agnostic, int max)
    {
        int[] order = Enumerable.Range(0, candidates.Length).OrderByDescending(i => candidates[i].Score).ToArray();
        var kept = new List<int>();
        foreach (int i in order)
        {
            bool suppressed = kept.Any(k => (agnostic || candidates[k].ClassId == candidates[i].ClassId) && BoxF.IoU(candidates[i].Box, candidates[k].Box) > iou);
            if (!suppressed)
            {
                kept.Add(i);
                if (kept.Count == max)
                {
                    break;
                }
            }
        }

        return [.. kept];
    }

    private static Candidate[] RandomCandidates(int count, int classes, int seed)
    {
        var random = new Random(seed);
        var candidates = new Candidate[count];
        for (int i = 0; i < count; i++)
        {
            float x = random.NextSingle() * 600;
            float y = random.NextSingle() * 600;
            float w = 10 + (random.NextSingle() * 100);
            float h = 10 + (random.NextSingle() * 100);
            candidates[i] = new Candidate(new BoxF(x, y, x + w, y + h), random.NextSingle(), random.Next(classes));
        }

        return candidates;
    }
}
