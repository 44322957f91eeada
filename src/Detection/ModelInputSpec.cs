namespace Lookout.Detection;

/// <summary>
/// What a model expects as input. The value fed for a pixel channel is ((pixel × <see cref="Scale"/>) − mean) / std,
/// with <see cref="Mean"/> and <see cref="Std"/> in the tensor's channel order (<see cref="Color"/>).
/// </summary>
public sealed record ModelInputSpec
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public ColorOrder Color { get; init; } = ColorOrder.Rgb;

    public float Scale { get; init; } = 1f;

    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    public IReadOnlyList<float> Std { get; init; } = [1f, 1f, 1f];

    public ResizeMode Resize { get; init; } = ResizeMode.Letterbox;

    public LetterboxAlign Align { get; init; } = LetterboxAlign.Center;

    /// <summary>Byte value (0–255) of the letterbox border, before normalization.</summary>
    public int Pad { get; init; } = 114;

    /// <summary>
    /// Whether the model takes inputs of other sizes (a fully convolutional network exported with dynamic height and
    /// width): each source is then fitted to the input of at most <see cref="Width"/>×<see cref="Height"/> pixels, sides
    /// multiples of <see cref="Multiple"/>, that shows it largest (see <see cref="FitTo"/>), so a 16:9 or square frame
    /// is not shrunk to a 4:3 input's width and padded. False: every source goes to <see cref="Width"/>×<see cref="Height"/>.
    /// </summary>
    public bool Fit { get; init; }

    /// <summary>What a fitted input's sides are multiples of: the network's coarsest stride.</summary>
    public int Multiple { get; init; } = 32;

    /// <summary>This spec with another input size (and <see cref="Fit"/> off: it describes one size).</summary>
    public ModelInputSpec WithSize(int width, int height) => this with { Width = width, Height = height, Fit = false };

    /// <summary>
    /// The input a <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> source is fed at: with <see cref="Fit"/>,
    /// among inputs with sides multiples of <see cref="Multiple"/> and no more pixels than <see cref="Width"/>×<see cref="Height"/>,
    /// the one that letterboxes the source at the largest scale, trimmed to the smallest that still holds it (the fewest
    /// pixels among ties); otherwise <see cref="Width"/>×<see cref="Height"/>.
    /// </summary>
    public (int Width, int Height) FitTo(int sourceWidth, int sourceHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        if (!Fit)
        {
            return (Width, Height);
        }

        int m = Multiple;
        long budget = (long)Width * Height;
        (int Width, int Height) best = (Width, Height);
        double bestScale = -1;
        for (int height = m; (long)height * m <= budget; height += m)
        {
            int width = (int)(budget / height / m * m);
            double scale = Math.Min((double)width / sourceWidth, (double)height / sourceHeight);

            // The smallest multiples that hold the source at that scale; the scale on them is no smaller.
            int trimmedWidth = RoundUp((int)Math.Ceiling((sourceWidth * scale) - 1e-9), m);
            int trimmedHeight = RoundUp((int)Math.Ceiling((sourceHeight * scale) - 1e-9), m);
            scale = Math.Min((double)trimmedWidth / sourceWidth, (double)trimmedHeight / sourceHeight);
            if (scale > bestScale + 1e-12
                || (Math.Abs(scale - bestScale) <= 1e-12 && (long)trimmedWidth * trimmedHeight < (long)best.Width * best.Height))
            {
                best = (trimmedWidth, trimmedHeight);
                bestScale = scale;
            }
        }

        return best;
    }

    private static int RoundUp(int value, int multiple) => Math.Max(multiple, (value + multiple - 1) / multiple * multiple);
}
