namespace Lookout.Detection;

/// <summary>
/// How a source image was placed on the model input: resized to <see cref="ResizedWidth"/>×<see cref="ResizedHeight"/>
/// and pasted at (<see cref="Left"/>, <see cref="Top"/>). Maps boxes between source and input pixels.
/// </summary>
public readonly record struct InputTransform(
    int SourceWidth,
    int SourceHeight,
    int ResizedWidth,
    int ResizedHeight,
    int Left,
    int Top,
    float ScaleX,
    float ScaleY)
{
    /// <summary>The placement <paramref name="spec"/> prescribes for a source image of the given size.</summary>
    public static InputTransform Create(int sourceWidth, int sourceHeight, ModelInputSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Create(sourceWidth, sourceHeight, spec.Width, spec.Height, spec.Resize, spec.Align);
    }

    /// <summary>
    /// Letterbox scales by r = min(inW/w, inH/h) and maps boxes back with r itself, not the rounded size ratio.
    /// Each alignment reproduces the preprocessing its models were trained and validated with, rounding included,
    /// because a one-pixel difference in the resized size moves low scores by a few hundredths:
    /// <see cref="LetterboxAlign.Center"/> is Ultralytics' (resized side = round(side·r), offsets round(halfPad − 0.1)),
    /// <see cref="LetterboxAlign.TopLeft"/> is YOLOX's (resized side = ⌊side·r⌋, no offset).
    /// </summary>
    public static InputTransform Create(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight, ResizeMode resize, LetterboxAlign align)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);

        if (resize == ResizeMode.Stretch)
        {
            return new InputTransform(
                sourceWidth, sourceHeight, inputWidth, inputHeight, 0, 0,
                (float)((double)inputWidth / sourceWidth),
                (float)((double)inputHeight / sourceHeight));
        }

        double r = Math.Min((double)inputWidth / sourceWidth, (double)inputHeight / sourceHeight);
        bool center = align == LetterboxAlign.Center;
        int width = Math.Clamp(center ? (int)Math.Round(sourceWidth * r) : (int)(sourceWidth * r), 1, inputWidth);
        int height = Math.Clamp(center ? (int)Math.Round(sourceHeight * r) : (int)(sourceHeight * r), 1, inputHeight);
        int left = center ? (int)Math.Round(((inputWidth - width) / 2.0) - 0.1) : 0;
        int top = center ? (int)Math.Round(((inputHeight - height) / 2.0) - 0.1) : 0;

        return new InputTransform(sourceWidth, sourceHeight, width, height, left, top, (float)r, (float)r);
    }

    /// <summary>A box in model-input pixels mapped to source pixels (not clipped).</summary>
    public BoxF ToSource(in BoxF inputBox)
    {
        return new BoxF(
            (inputBox.X1 - Left) / ScaleX,
            (inputBox.Y1 - Top) / ScaleY,
            (inputBox.X2 - Left) / ScaleX,
            (inputBox.Y2 - Top) / ScaleY);
    }

    /// <summary>A box in source pixels mapped to model-input pixels.</summary>
    public BoxF ToInput(in BoxF sourceBox) => new(
        (sourceBox.X1 * ScaleX) + Left,
        (sourceBox.Y1 * ScaleY) + Top,
        (sourceBox.X2 * ScaleX) + Left,
        (sourceBox.Y2 * ScaleY) + Top);
}
