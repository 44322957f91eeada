namespace Lookout.Detection;

/// <summary>
/// How closely two detectors' outputs on the same image agree: detections paired by class and IoU, what only one of
/// them found, and the worst box and score difference among the pairs. Adds up over frames with <see cref="Add"/>.
/// </summary>
/// <param name="Matched">Pairs: same class, IoU ≥ <see cref="PairIoU"/>, each detection in at most one pair.</param>
/// <param name="OnlyFirst">Unpaired detections of the first detector, not counting borderline ones.</param>
/// <param name="OnlySecond">Unpaired detections of the second detector, not counting borderline ones.</param>
/// <param name="Borderline">
/// Unpaired detections whose score is within the margin of the threshold: a tiny numeric difference between engines
/// legitimately moves such a box across the threshold, so they do not count as disagreement.
/// </param>
/// <param name="MinIoU">Lowest IoU among the pairs; 1 when there are none.</param>
/// <param name="MaxScoreDifference">Largest score difference among the pairs; 0 when there are none.</param>
public readonly record struct DetectionAgreement(int Matched, int OnlyFirst, int OnlySecond, int Borderline, float MinIoU, float MaxScoreDifference)
{
    /// <summary>Two detections of one class pair up from this IoU.</summary>
    public const float PairIoU = 0.5f;

    /// <summary>Pairs agree when their boxes overlap at least this much…</summary>
    public const float AgreeIoU = 0.9f;

    /// <summary>…and their scores differ by at most this.</summary>
    public const float AgreeScore = 0.05f;

    /// <summary>Nothing compared yet: the identity of <see cref="Add"/>.</summary>
    public static DetectionAgreement None => new(0, 0, 0, 0, 1f, 0f);

    /// <summary>No detection found by only one side, and every pair within <see cref="AgreeIoU"/> and <see cref="AgreeScore"/>.</summary>
    public bool Agrees => OnlyFirst == 0 && OnlySecond == 0 && MinIoU >= AgreeIoU && MaxScoreDifference <= AgreeScore;

    /// <summary>
    /// Pairs <paramref name="first"/> with <paramref name="second"/> greedily, best score first, each with the unpaired
    /// detection of the same class it overlaps most.
    /// </summary>
    /// <param name="scoreThreshold">The threshold both detectors used.</param>
    /// <param name="borderlineMargin">Unpaired detections scoring below threshold + margin count as borderline.</param>
    public static DetectionAgreement Compare(ReadOnlySpan<Detection> first, ReadOnlySpan<Detection> second, float scoreThreshold, float borderlineMargin = 0.05f)
    {
        var used = second.Length <= 256 ? stackalloc bool[second.Length] : new bool[second.Length];
        used.Clear();
        int matched = 0, onlyFirst = 0, borderline = 0;
        float minIoU = 1f, maxScore = 0f;
        float borderlineBelow = scoreThreshold + borderlineMargin;
        foreach (ref readonly Detection a in first)
        {
            int best = -1;
            float bestIoU = PairIoU;
            for (int j = 0; j < second.Length; j++)
            {
                if (used[j] || second[j].ClassId != a.ClassId)
                {
                    continue;
                }

                float iou = BoxF.IoU(a.Box, second[j].Box);
                if (iou >= bestIoU)
                {
                    best = j;
                    bestIoU = iou;
                }
            }

            if (best < 0)
            {
                if (a.Score < borderlineBelow)
                {
                    borderline++;
                }
                else
                {
                    onlyFirst++;
                }

                continue;
            }

            used[best] = true;
            matched++;
            minIoU = MathF.Min(minIoU, bestIoU);
            maxScore = MathF.Max(maxScore, MathF.Abs(a.Score - second[best].Score));
        }

        int onlySecond = 0;
        for (int j = 0; j < second.Length; j++)
        {
            if (used[j])
            {
                continue;
            }

            if (second[j].Score < borderlineBelow)
            {
                borderline++;
            }
            else
            {
                onlySecond++;
            }
        }

        return new DetectionAgreement(matched, onlyFirst, onlySecond, borderline, minIoU, maxScore);
    }

    /// <summary>This comparison and <paramref name="other"/> taken together (counts summed, worst cases kept).</summary>
    public DetectionAgreement Add(DetectionAgreement other) => new(
        Matched + other.Matched,
        OnlyFirst + other.OnlyFirst,
        OnlySecond + other.OnlySecond,
        Borderline + other.Borderline,
        MathF.Min(MinIoU, other.MinIoU),
        MathF.Max(MaxScoreDifference, other.MaxScoreDifference));
}
