using System.Globalization;
using OpenCvSharp;

namespace Lookout.Training.Training;

/// <summary>Draws the training report: loss curves (left axis, scaled to their maximum) and val mAP (0-1), per epoch.</summary>
internal static class TrainingPlot
{
    public static void Write(string path, IReadOnlyList<EpochRecord> records)
    {
        const int width = 900, height = 500, margin = 60;
        using var image = new Mat(height, width, MatType.CV_8UC3, Scalar.White);
        var plot = new Rect(margin, 30, width - 2 * margin, height - 30 - margin);
        Cv2.Rectangle(image, plot, Scalar.Gray, 1);
        if (records.Count == 0)
        {
            Cv2.ImWrite(path, image);
            return;
        }

        var maxLoss = Math.Max(1e-9, records.Max(r => r.Loss));
        var epochs = Math.Max(2, records.Count);
        Curve(image, plot, records.Select(r => r.Loss / maxLoss).ToList(), epochs, new Scalar(200, 60, 0), "loss", 0);
        Curve(image, plot, records.Select(r => r.ClsLoss / maxLoss).ToList(), epochs, new Scalar(220, 160, 60), "cls", 1);
        Curve(image, plot, records.Select(r => r.BoxLoss / maxLoss).ToList(), epochs, new Scalar(60, 160, 220), "box", 2);
        Curve(image, plot, records.Select(r => r.ValMap50).ToList(), epochs, new Scalar(0, 160, 0), "val mAP50", 3);
        Curve(image, plot, records.Select(r => r.ValMap50To95).ToList(), epochs, new Scalar(0, 0, 200), "val mAP50-95", 4);
        var last = records[^1];
        Cv2.PutText(image, string.Create(CultureInfo.InvariantCulture, $"epochs {last.Epoch}  loss {last.Loss:F3} (max {maxLoss:F3})  val mAP50 {last.ValMap50:F3}  mAP50-95 {last.ValMap50To95:F3}"), new Point(margin, 20), HersheyFonts.HersheySimplex, 0.5, Scalar.Black, 1, LineTypes.AntiAlias);
        Cv2.PutText(image, "epoch", new Point(width / 2, height - 20), HersheyFonts.HersheySimplex, 0.5, Scalar.Black, 1, LineTypes.AntiAlias);
        var temp = Path.ChangeExtension(path, ".partial.png");
        Cv2.ImWrite(temp, image);
        File.Move(temp, path, overwrite: true);
    }

    private static void Curve(Mat image, Rect plot, IReadOnlyList<double> values, int epochs, Scalar color, string label, int slot)
    {
        Point? previous = null;
        for (var i = 0; i < values.Count; i++)
        {
            if (double.IsNaN(values[i]))
            {
                previous = null;
                continue;
            }

            var p = new Point(plot.X + plot.Width * i / (epochs - 1), plot.Bottom - (int)(plot.Height * Math.Clamp(values[i], 0, 1)));
            if (previous is { } q)
            {
                Cv2.Line(image, q, p, color, 2, LineTypes.AntiAlias);
            }

            Cv2.Circle(image, p, 2, color, -1, LineTypes.AntiAlias);
            previous = p;
        }

        Cv2.PutText(image, label, new Point(plot.Right - 130, plot.Y + 20 + 18 * slot), HersheyFonts.HersheySimplex, 0.5, color, 1, LineTypes.AntiAlias);
    }
}
