namespace Lookout.Training.Models;

/// <summary>
/// One feature map's default boxes: a grid of <c>inputSize / Stride</c> cells, each holding a square box
/// of side <see cref="Scale"/>, a square of side √(<see cref="Scale"/> · <see cref="NextScale"/>), and for
/// every aspect ratio r in <see cref="AspectRatios"/> a box of side <see cref="Scale"/>·√r by
/// <see cref="Scale"/>/√r and its transpose. Scales are fractions of the input side.
/// </summary>
internal sealed record SsdPriorLevel(int Stride, float Scale, float NextScale, float[] AspectRatios)
{
    /// <summary>Default boxes per grid cell: two squares and two per aspect ratio.</summary>
    public int PerCell => 2 + 2 * AspectRatios.Length;
}

/// <summary>
/// SSD default boxes ("priors") and the variance-encoded offsets between a prior and a box. Boxes are
/// normalized (0..1 of the network input). A prior is (cx, cy, w, h); a box in corner form is
/// (x1, y1, x2, y2). Priors are ordered level by level, row by row, column by column, then box by box
/// within a cell (the order the heads' outputs are flattened in).
/// </summary>
internal static class SsdPriors
{
    /// <summary>Centre offsets are divided by this × the prior's size.</summary>
    public const float CenterVariance = 0.1f;

    /// <summary>Log size ratios are divided by this.</summary>
    public const float SizeVariance = 0.2f;

    /// <summary>Every prior of every level of a square input: [N × 4] cx, cy, w, h.</summary>
    public static float[] Generate(int inputSize, IReadOnlyList<SsdPriorLevel> levels) => Generate(inputSize, inputSize, inputSize, levels);

    /// <summary>
    /// Every prior of every level of a <paramref name="width"/>×<paramref name="height"/> input whose scales
    /// are fractions of <paramref name="scaleSide"/>, the side the network trained at: the grid follows the
    /// input, and each prior keeps the size in pixels it had in training (the network is fully convolutional,
    /// so its outputs are tied to pixel sizes, not to fractions of the input). [N × 4] cx, cy, w, h,
    /// normalized to the input's width and height.
    /// </summary>
    public static float[] Generate(int width, int height, int scaleSide, IReadOnlyList<SsdPriorLevel> levels)
    {
        var priors = new List<float>();
        foreach (var level in levels)
        {
            if (width % level.Stride != 0 || height % level.Stride != 0)
            {
                throw new ArgumentException($"input {width}x{height} does not have sides that are multiples of stride {level.Stride}.", nameof(width));
            }

            var extra = MathF.Sqrt(level.Scale * level.NextScale);
            float sx = (float)scaleSide / width, sy = (float)scaleSide / height;
            float stepX = (float)level.Stride / width, stepY = (float)level.Stride / height;
            for (var y = 0; y < height / level.Stride; y++)
            {
                for (var x = 0; x < width / level.Stride; x++)
                {
                    var cx = (x + 0.5f) * stepX;
                    var cy = (y + 0.5f) * stepY;
                    priors.AddRange([cx, cy, level.Scale * sx, level.Scale * sy]);
                    priors.AddRange([cx, cy, extra * sx, extra * sy]);
                    foreach (var ratio in level.AspectRatios)
                    {
                        var r = MathF.Sqrt(ratio);
                        priors.AddRange([cx, cy, level.Scale * r * sx, level.Scale / r * sy]);
                        priors.AddRange([cx, cy, level.Scale / r * sx, level.Scale * r * sy]);
                    }
                }
            }
        }

        return [.. priors];
    }

    /// <summary>Number of priors <see cref="Generate(int, IReadOnlyList{SsdPriorLevel})"/> makes.</summary>
    public static int Count(int inputSize, IReadOnlyList<SsdPriorLevel> levels) =>
        levels.Sum(l => (inputSize / l.Stride) * (inputSize / l.Stride) * l.PerCell);

    /// <summary>Priors (cx, cy, w, h) to corner form (x1, y1, x2, y2).</summary>
    public static float[] ToCorners(ReadOnlySpan<float> priors)
    {
        var corners = new float[priors.Length];
        for (var i = 0; i < priors.Length; i += 4)
        {
            float cx = priors[i], cy = priors[i + 1], hw = priors[i + 2] / 2, hh = priors[i + 3] / 2;
            corners[i] = cx - hw;
            corners[i + 1] = cy - hh;
            corners[i + 2] = cx + hw;
            corners[i + 3] = cy + hh;
        }

        return corners;
    }

    /// <summary>
    /// The offsets that turn <paramref name="prior"/> (cx, cy, w, h) into <paramref name="box"/> (x1, y1, x2, y2):
    /// ((bx − px) / (0.1·pw), (by − py) / (0.1·ph), ln(bw / pw) / 0.2, ln(bh / ph) / 0.2).
    /// </summary>
    public static void Encode(ReadOnlySpan<float> prior, ReadOnlySpan<float> box, Span<float> offsets)
    {
        float bw = box[2] - box[0], bh = box[3] - box[1];
        float bx = box[0] + bw / 2, by = box[1] + bh / 2;
        offsets[0] = (bx - prior[0]) / (CenterVariance * prior[2]);
        offsets[1] = (by - prior[1]) / (CenterVariance * prior[3]);
        offsets[2] = MathF.Log(bw / prior[2]) / SizeVariance;
        offsets[3] = MathF.Log(bh / prior[3]) / SizeVariance;
    }

    /// <summary>The inverse of <see cref="Encode"/>: offsets applied to a prior give a box in corner form.</summary>
    public static void Decode(ReadOnlySpan<float> prior, ReadOnlySpan<float> offsets, Span<float> box)
    {
        var cx = prior[0] + offsets[0] * CenterVariance * prior[2];
        var cy = prior[1] + offsets[1] * CenterVariance * prior[3];
        var hw = prior[2] * MathF.Exp(offsets[2] * SizeVariance) / 2;
        var hh = prior[3] * MathF.Exp(offsets[3] * SizeVariance) / 2;
        box[0] = cx - hw;
        box[1] = cy - hh;
        box[2] = cx + hw;
        box[3] = cy + hh;
    }

    /// <summary>Intersection over union of two corner-form boxes.</summary>
    public static float Iou(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var iw = MathF.Min(a[2], b[2]) - MathF.Max(a[0], b[0]);
        var ih = MathF.Min(a[3], b[3]) - MathF.Max(a[1], b[1]);
        if (iw <= 0 || ih <= 0)
        {
            return 0;
        }

        var inter = iw * ih;
        var union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union > 0 ? inter / union : 0;
    }
}
