namespace Lookout.Detection;

/// <summary>
/// What a model expects as input. The value fed for a pixel channel is ((pixel × <see cref="Scale"/>) − mean) / std,
/// with <see cref="Mean"/> and <see cref="Std"/> in the tensor's channel order (<see cref="Color"/>).
/// </summary>
public sealed class ModelInputSpec
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
}
