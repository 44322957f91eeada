using Lookout.Detection;
using Lookout.Detection.Datasets;
using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>
/// Draws layers back to front over a background and derives the ground truth from what stays visible:
/// each object's box is the bounding box of its visible pixels; an object mostly hidden (behind others
/// or outside the frame) is left out, and one that is hard to make out is marked difficult.
/// </summary>
internal static class SceneComposer
{
    /// <summary>Below this visible fraction an object is not annotated.</summary>
    public const double DropBelowVisible = 0.25;

    /// <summary>Below this visible fraction an object is annotated as difficult.</summary>
    public const double DifficultBelowVisible = 0.5;

    /// <summary>Objects whose visible extent is under this many pixels are difficult…</summary>
    public const int DifficultBelowPixels = 12;

    /// <summary>…and so are those under this fraction of the image's longer side (unrecognizable at detector input sizes).</summary>
    public const double DifficultBelowFraction = 0.02;

    /// <summary>Composes the scene into <paramref name="image"/> (the background, drawn over in place).</summary>
    public static List<AnnotatedObject> Compose(Mat image, IReadOnlyList<SceneLayer> layers)
    {
        var objectCount = layers.Count(l => l.ClassId >= 0);
        if (objectCount > 254)
        {
            throw new ArgumentException("at most 254 objects fit the 8-bit owner map.", nameof(layers));
        }

        using var owner = new Mat(image.Size(), MatType.CV_8UC1, Scalar.All(0));
        var owners = new List<(SceneLayer Layer, byte Id)>(objectCount);
        byte next = 1;
        foreach (var layer in layers)
        {
            layer.Draw(image, layer.Color, LineTypes.AntiAlias);
            if (layer.ClassId >= 0)
            {
                layer.Draw(owner, Scalar.All(next), LineTypes.Link8);
                owners.Add((layer, next));
                next++;
            }
            else
            {
                layer.Draw(owner, Scalar.All(0), LineTypes.Link8);
            }
        }

        var frame = new Rect(0, 0, image.Width, image.Height);
        var longSide = Math.Max(image.Width, image.Height);
        var objects = new List<AnnotatedObject>(owners.Count);
        foreach (var (layer, id) in owners)
        {
            var bounds = layer.Bounds;
            var full = FullArea(layer, bounds);
            var inFrame = bounds.Intersect(frame);
            if (full == 0 || inFrame.Width <= 0 || inFrame.Height <= 0)
            {
                continue;
            }

            using var roi = new Mat(owner, inFrame);
            using var mine = new Mat();
            Cv2.Compare(roi, Scalar.All(id), mine, CmpTypes.EQ);
            var visible = Cv2.CountNonZero(mine);
            if (visible < DropBelowVisible * full)
            {
                continue;
            }

            var tight = Cv2.BoundingRect(mine);
            if (tight.Width < 3 || tight.Height < 3)
            {
                continue;
            }

            var box = new BoxF(inFrame.X + tight.X, inFrame.Y + tight.Y, inFrame.X + tight.X + tight.Width, inFrame.Y + tight.Y + tight.Height);
            var extent = Math.Max(tight.Width, tight.Height);
            var difficult = visible < DifficultBelowVisible * full || extent < DifficultBelowPixels || extent < DifficultBelowFraction * longSide;
            objects.Add(new AnnotatedObject(layer.ClassId, ShapeClasses.Names[layer.ClassId], box, difficult));
        }

        return objects;
    }

    /// <summary>Pixels the layer covers when nothing hides it and the frame does not cut it.</summary>
    private static int FullArea(SceneLayer layer, Rect bounds)
    {
        using var local = new Mat(bounds.Height, bounds.Width, MatType.CV_8UC1, Scalar.All(0));
        layer.Draw(local, Scalar.All(255), LineTypes.Link8, -bounds.X, -bounds.Y);
        return Cv2.CountNonZero(local);
    }
}
