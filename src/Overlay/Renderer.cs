using OpenCvSharp;
using OpenCvSharp.Internal;

namespace Lookout.Overlay;

/// <summary>Draws detections (class-coloured boxes, label and score) and a HUD line onto an image.</summary>
/// <remarks>
/// Draws in place into the caller's image and keeps no reference to it. Steady-state drawing allocates nothing:
/// label strings are cached per class and score percent, and text goes through one native array handle per call
/// rather than <c>Cv2.PutText</c>, which wraps the image in a finalizable object (104 bytes) for every label.
/// Not thread-safe: one renderer per drawing thread.
/// </remarks>
public sealed class Renderer
{
    private const double HudDarkening = 0.4;

    // What Mat.ConvertTo(…, alpha 0.4) makes of each byte value, taken from OpenCV itself so the HUD background
    // is darkened exactly as before while the per-frame path skips the ROI Mat and its wrappers.
    private static readonly byte[] s_darken = BuildDarkenTable();

    private readonly Dictionary<int, string> _labelCache = new();

    /// <summary>Draws <paramref name="detections"/> and, when given, <paramref name="hud"/> at the top left.</summary>
    public void Draw(Mat image, ReadOnlySpan<Detection.Detection> detections, string? hud = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var shortSide = Math.Min(image.Cols, image.Rows);
        var thickness = Math.Max(1, (int)Math.Round(shortSide / 360.0));
        var fontScale = Math.Clamp(shortSide / 900.0, 0.4, 1.2);
        var textThickness = Math.Max(1, thickness - 1);
        if (detections.IsEmpty && string.IsNullOrEmpty(hud))
        {
            return;
        }

        NativeMethods.HandleException(NativeMethods.core_OutputArray_new_byMat(image.CvPtr, out var canvas));
        try
        {
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
                PutText(canvas, text, new Point(p1.X + 2, top + size.Height + 1), fontScale, Scalar.White, textThickness);
            }

            if (!string.IsNullOrEmpty(hud))
            {
                DrawHud(image, canvas, hud, fontScale, textThickness);
            }
        }
        finally
        {
            NativeMethods.HandleException(NativeMethods.core_OutputArray_delete(canvas));
        }

        GC.KeepAlive(image);
    }

    private static void DrawHud(Mat image, IntPtr canvas, string hud, double fontScale, int thickness)
    {
        var size = Cv2.GetTextSize(hud, HersheyFonts.HersheySimplex, fontScale, thickness, out var baseline);
        var box = new Rect(0, 0, Math.Min(image.Cols, size.Width + 12), Math.Min(image.Rows, size.Height + baseline + 12));

        // Darken rather than paint over, so the scene under the HUD stays visible.
        Darken(image, box);
        PutText(canvas, hud, new Point(6, 6 + size.Height), fontScale, new Scalar(0, 255, 255), thickness);
    }

    private static unsafe void Darken(Mat image, Rect box)
    {
        if (image.Type() != MatType.CV_8UC3)
        {
            using var roi = new Mat(image, box);
            roi.ConvertTo(roi, -1, HudDarkening, 0);
            return;
        }

        var table = s_darken;
        var step = image.Step();
        var basePtr = (byte*)image.DataPointer;
        var rowBytes = box.Width * 3;
        for (var y = box.Y; y < box.Y + box.Height; y++)
        {
            var row = new Span<byte>(basePtr + (y * step) + (box.X * 3), rowBytes);
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = table[row[i]];
            }
        }
    }

    private static void PutText(IntPtr canvas, string text, Point origin, double fontScale, Scalar color, int thickness) =>
        NativeMethods.HandleException(NativeMethods.imgproc_putText(
            canvas, text, origin, (int)HersheyFonts.HersheySimplex, fontScale, color, thickness, (int)LineTypes.AntiAlias, 0));

    private static byte[] BuildDarkenTable()
    {
        using var values = new Mat(1, 256, MatType.CV_8UC1);
        for (var i = 0; i < 256; i++)
        {
            values.Set(0, i, (byte)i);
        }

        values.ConvertTo(values, -1, HudDarkening, 0);
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = values.At<byte>(0, i);
        }

        return table;
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
