using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>Outlines of the shapes, as polygons in fixed-point pixels (<see cref="Shift"/> fractional bits).</summary>
internal static class ShapeGeometry
{
    /// <summary>Fractional bits of the points, so small shapes keep their sub-pixel geometry when drawn.</summary>
    public const int Shift = 4;

    private const float Scale = 1 << Shift;

    /// <summary>A regular polygon with <paramref name="sides"/> corners on a circle of radius <paramref name="radius"/>.</summary>
    public static Point[] Regular(Point2f center, float radius, int sides, float rotation)
    {
        var points = new Point[sides];
        for (var i = 0; i < sides; i++)
        {
            var a = rotation + 2 * MathF.PI * i / sides;
            points[i] = Fixed(center.X + radius * MathF.Cos(a), center.Y + radius * MathF.Sin(a));
        }

        return points;
    }

    /// <summary>A circle as a polygon fine enough that no edge is visible at 200 px.</summary>
    public static Point[] Circle(Point2f center, float radius) =>
        Regular(center, radius, Math.Clamp((int)(radius * 1.5f), 24, 96), 0);

    /// <summary>A five-pointed star: outer radius <paramref name="radius"/>, inner radius a fraction of it.</summary>
    public static Point[] Star(Point2f center, float radius, float innerRatio, float rotation)
    {
        var points = new Point[10];
        for (var i = 0; i < 10; i++)
        {
            var r = i % 2 == 0 ? radius : radius * innerRatio;
            var a = rotation + MathF.PI * i / 5;
            points[i] = Fixed(center.X + r * MathF.Cos(a), center.Y + r * MathF.Sin(a));
        }

        return points;
    }

    /// <summary>A plus-shaped cross whose arms reach <paramref name="radius"/> and are 2·armRatio·radius wide.</summary>
    public static Point[] Cross(Point2f center, float radius, float armRatio, float rotation)
    {
        var w = radius * armRatio;
        ReadOnlySpan<float> xs = [w, w, radius, radius, w, w, -w, -w, -radius, -radius, -w, -w];
        ReadOnlySpan<float> ys = [-radius, -w, -w, w, w, radius, radius, w, w, -w, -w, -radius];
        return Transform(center, xs, ys, rotation);
    }

    /// <summary>A rectangle of half-sizes <paramref name="halfWidth"/> × <paramref name="halfHeight"/>, rotated.</summary>
    public static Point[] Rectangle(Point2f center, float halfWidth, float halfHeight, float rotation)
    {
        ReadOnlySpan<float> xs = [-halfWidth, halfWidth, halfWidth, -halfWidth];
        ReadOnlySpan<float> ys = [-halfHeight, -halfHeight, halfHeight, halfHeight];
        return Transform(center, xs, ys, rotation);
    }

    /// <summary>An ellipse of half-axes <paramref name="a"/> and <paramref name="b"/>, rotated.</summary>
    public static Point[] Ellipse(Point2f center, float a, float b, float rotation)
    {
        var n = Math.Clamp((int)(a * 1.5f), 24, 96);
        var points = new Point[n];
        var (sin, cos) = MathF.SinCos(rotation);
        for (var i = 0; i < n; i++)
        {
            var t = 2 * MathF.PI * i / n;
            var x = a * MathF.Cos(t);
            var y = b * MathF.Sin(t);
            points[i] = Fixed(center.X + x * cos - y * sin, center.Y + x * sin + y * cos);
        }

        return points;
    }

    public static Point Fixed(float x, float y) => new((int)MathF.Round(x * Scale), (int)MathF.Round(y * Scale));

    private static Point[] Transform(Point2f center, ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, float rotation)
    {
        var (sin, cos) = MathF.SinCos(rotation);
        var points = new Point[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            points[i] = Fixed(center.X + xs[i] * cos - ys[i] * sin, center.Y + xs[i] * sin + ys[i] * cos);
        }

        return points;
    }
}
