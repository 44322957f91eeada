using OpenCvSharp;

namespace Lookout.Overlay;

/// <summary>Draws detections (class-coloured boxes, label and score) and a HUD line onto an image.</summary>
/// <remarks>
/// Draws in place into the caller's image and keeps no reference to it. Label strings are
/// cached per class and score percent, so steady-state drawing does not allocate. Not thread-safe:
/// one renderer per drawing thread.
/// </remarks>
public sealed class Renderer
{
    private readonly Dictionary<int, string> _labelCache = new();

    /// <summary>Draws <paramref name="detections"/> and, when given, <paramref name="hud"/> at the top left.</summary>
    public void Draw(Mat image, ReadOnlySpan<Detection.Detection> detections, string? hud = null)
    {
        var shortSide = Math.Min(image.Cols, image.Rows);
        var thickness = Math.Max(1, (int)Math.Round(shortSide / 360.0));
        var fontScale = Math.Clamp(shortSide / 900.0, 0.4, 1.2);
        var textThickness = Math.Max(1, thickness - 1);
        foreach (ref readonly var d in detections)
        {
            var color = Palette.ForClass(d.ClassId);
            var p1 = new Point((int)MathF.Round(d.Box.X1), (int)MathF.Round(d.Box.Y1));
            var p2 = new Point((int)MathF.Round(d.Box.X2), (int)MathF.Round(d.Box.Y2));
            Cv2.Rectangle(image, p1, p2, color, thickness, LineTypes.Link8);
            var text = LabelText(d);
            var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, fontScale, textThickness, out var baseline);
            var top = p1.Y - size.Height - baseline - 2;
            if (top < 0)
            {
                top = p1.Y;
            }

            Cv2.Rectangle(image, new Rect(p1.X, top, size.Width + 4, size.Height + baseline + 2), color, -1);
            Cv2.PutText(image, text, new Point(p1.X + 2, top + size.Height + 1), HersheyFonts.HersheySimplex, fontScale, Scalar.White, textThickness, LineTypes.AntiAlias);
        }

        if (!string.IsNullOrEmpty(hud))
        {
            DrawHud(image, hud, fontScale, textThickness);
        }
    }

    private static void DrawHud(Mat image, string hud, double fontScale, int thickness)
    {
        var size = Cv2.GetTextSize(hud, HersheyFonts.HersheySimplex, fontScale, thickness, out var baseline);
        var box = new Rect(0, 0, Math.Min(image.Cols, size.Width + 12), Math.Min(image.Rows, size.Height + baseline + 12));
        using (var roi = new Mat(image, box))
        {
            // Darken rather than paint over, so the scene under the HUD stays visible.
            roi.ConvertTo(roi, -1, 0.4, 0);
        }

        Cv2.PutText(image, hud, new Point(6, 6 + size.Height), HersheyFonts.HersheySimplex, fontScale, new Scalar(0, 255, 255), thickness, LineTypes.AntiAlias);
    }

    private string LabelText(in Detection.Detection d)
    {
        var percent = Math.Clamp((int)MathF.Round(d.Score * 100f), 0, 100);
        var key = (d.ClassId * 101) + percent;
        if (!_labelCache.TryGetValue(key, out var text))
        {
            text = $"{d.Label} {percent / 100.0:0.00}";
            _labelCache[key] = text;
        }

        return text;
    }
}
