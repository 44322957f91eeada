using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>
/// One thing drawn into a scene, object or distractor. It is drawn twice with the same geometry: in
/// colour (anti-aliased) into the image and with its owner id (aliased) into the owner map, so what is
/// left visible of each object after everything in front of it is known per pixel.
/// </summary>
internal abstract class SceneLayer
{
    /// <summary>The shape class for an object; -1 for a distractor.</summary>
    public int ClassId { get; init; } = -1;

    public Scalar Color { get; init; }

    /// <summary>Draws the layer moved by (<paramref name="dx"/>, <paramref name="dy"/>) whole pixels.</summary>
    public abstract void Draw(Mat target, Scalar color, LineTypes lineType, int dx = 0, int dy = 0);

    /// <summary>Integer pixel bounds of what <see cref="Draw"/> may touch, unclipped.</summary>
    public abstract Rect Bounds { get; }
}

/// <summary>A polygon (fixed-point, <see cref="ShapeGeometry.Shift"/>), filled or outlined.</summary>
internal sealed class PolygonLayer(Point[] points, bool filled, int thickness) : SceneLayer
{
    public Point[] Points => points;

    public bool Filled => filled;

    public int Thickness => thickness;

    public override Rect Bounds
    {
        get
        {
            int minX = int.MaxValue, minY = int.MaxValue, maxX = int.MinValue, maxY = int.MinValue;
            foreach (var p in points)
            {
                minX = Math.Min(minX, p.X);
                minY = Math.Min(minY, p.Y);
                maxX = Math.Max(maxX, p.X);
                maxY = Math.Max(maxY, p.Y);
            }

            var pad = filled ? 1 : thickness / 2 + 1;
            var s = 1 << ShapeGeometry.Shift;
            var x1 = (int)Math.Floor((double)minX / s) - pad;
            var y1 = (int)Math.Floor((double)minY / s) - pad;
            var x2 = (int)Math.Ceiling((double)maxX / s) + pad;
            var y2 = (int)Math.Ceiling((double)maxY / s) + pad;
            return new Rect(x1, y1, x2 - x1 + 1, y2 - y1 + 1);
        }
    }

    public override void Draw(Mat target, Scalar color, LineTypes lineType, int dx = 0, int dy = 0)
    {
        var moved = points;
        if (dx != 0 || dy != 0)
        {
            moved = new Point[points.Length];
            var offset = new Point(dx << ShapeGeometry.Shift, dy << ShapeGeometry.Shift);
            for (var i = 0; i < points.Length; i++)
            {
                moved[i] = points[i] + offset;
            }
        }

        if (filled)
        {
            Cv2.FillPoly(target, [moved], color, lineType, ShapeGeometry.Shift);
        }
        else
        {
            Cv2.Polylines(target, [moved], true, color, thickness, lineType, ShapeGeometry.Shift);
        }
    }
}

/// <summary>An elliptic arc (a distractor).</summary>
internal sealed class ArcLayer(Point2f center, float a, float b, double angle, double start, double end, int thickness) : SceneLayer
{
    public override Rect Bounds
    {
        get
        {
            var r = (int)Math.Ceiling(Math.Max(a, b)) + thickness + 1;
            return new Rect((int)center.X - r, (int)center.Y - r, 2 * r + 1, 2 * r + 1);
        }
    }

    public override void Draw(Mat target, Scalar color, LineTypes lineType, int dx = 0, int dy = 0) =>
        Cv2.Ellipse(
            target,
            ShapeGeometry.Fixed(center.X + dx, center.Y + dy),
            new Size((int)(a * (1 << ShapeGeometry.Shift)), (int)(b * (1 << ShapeGeometry.Shift))),
            angle,
            start,
            end,
            color,
            thickness,
            lineType,
            ShapeGeometry.Shift);
}

/// <summary>A straight segment (a distractor).</summary>
internal sealed class SegmentLayer(Point2f from, Point2f to, int thickness) : SceneLayer
{
    public override Rect Bounds
    {
        get
        {
            var pad = thickness + 1;
            var x1 = (int)Math.Floor(Math.Min(from.X, to.X)) - pad;
            var y1 = (int)Math.Floor(Math.Min(from.Y, to.Y)) - pad;
            var x2 = (int)Math.Ceiling(Math.Max(from.X, to.X)) + pad;
            var y2 = (int)Math.Ceiling(Math.Max(from.Y, to.Y)) + pad;
            return new Rect(x1, y1, x2 - x1 + 1, y2 - y1 + 1);
        }
    }

    public override void Draw(Mat target, Scalar color, LineTypes lineType, int dx = 0, int dy = 0) =>
        Cv2.Line(target, ShapeGeometry.Fixed(from.X + dx, from.Y + dy), ShapeGeometry.Fixed(to.X + dx, to.Y + dy), color, thickness, lineType, ShapeGeometry.Shift);
}

/// <summary>A line of text (a distractor).</summary>
internal sealed class TextLayer(string text, Point origin, HersheyFonts font, double scale, int thickness) : SceneLayer
{
    public override Rect Bounds
    {
        get
        {
            var size = Cv2.GetTextSize(text, font, scale, thickness, out var baseline);
            return new Rect(origin.X - thickness, origin.Y - size.Height - thickness, size.Width + 2 * thickness, size.Height + baseline + 2 * thickness);
        }
    }

    public override void Draw(Mat target, Scalar color, LineTypes lineType, int dx = 0, int dy = 0) =>
        Cv2.PutText(target, text, new Point(origin.X + dx, origin.Y + dy), font, scale, color, thickness, lineType);
}
