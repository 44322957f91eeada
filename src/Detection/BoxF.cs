namespace Lookout.Detection;

/// <summary>An axis-aligned box given by its top-left (X1, Y1) and bottom-right (X2, Y2) corners.</summary>
public readonly record struct BoxF(float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;

    public float Height => Y2 - Y1;

    /// <summary>Area, zero for a degenerate or inverted box.</summary>
    public float Area => MathF.Max(0f, X2 - X1) * MathF.Max(0f, Y2 - Y1);

    /// <summary>Intersection over union; 0 when both boxes are empty. Continuous coordinates (no +1 convention).</summary>
    public static float IoU(in BoxF a, in BoxF b)
    {
        float iw = MathF.Min(a.X2, b.X2) - MathF.Max(a.X1, b.X1);
        float ih = MathF.Min(a.Y2, b.Y2) - MathF.Max(a.Y1, b.Y1);
        if (iw <= 0f || ih <= 0f)
        {
            return 0f;
        }

        float intersection = iw * ih;
        float union = a.Area + b.Area - intersection;
        return union > 0f ? intersection / union : 0f;
    }

    /// <summary>This box limited to [0, width] × [0, height].</summary>
    public BoxF Clip(float width, float height) => new(
        Math.Clamp(X1, 0f, width),
        Math.Clamp(Y1, 0f, height),
        Math.Clamp(X2, 0f, width),
        Math.Clamp(Y2, 0f, height));
}
