using Lookout.Detection.Datasets;
using OpenCvSharp;

namespace Lookout.Training.Training;

/// <summary>
/// Turns a dataset image into a network input the way the model card says the runtime will: letterbox to
/// a square (scale by the long side, centred, padded with 114), RGB, /255. With augmentation it also
/// flips, rescales and shifts (cropping what falls outside), and jitters colour, blur and noise.
/// Trained on crops (<c>--crop</c>), the image is scaled for the letterbox of the inference size and a
/// smaller window of it becomes the sample, so objects have the size they will have at inference.
/// </summary>
internal static class SamplePreparer
{
    public const int PadValue = 114;

    public static TrainingSample Prepare(AnnotatedImage image, int size, Random? augment, int scaleTo = 0)
    {
        // The scale is drawn before the image is read, so a JPEG shrunk 2× or more is decoded already reduced by
        // 2, 4 or 8 (libjpeg's scaled inverse DCT, which averages what it drops) and only the rest, at most 2×, is
        // left to the bilinear resize: a 1280×720 frame costs about half its full decode. Preparing batches takes
        // CPU from training on a small machine; an area resize of the whole frame (3.7 ms for 1280×720 → 448
        // here) cost more than the decode.
        var (scale, flip) = DrawScale(image.Width, image.Height, size, augment, scaleTo);
        var reduction = scale <= 0.125f ? 8 : scale <= 0.25f ? 4 : scale <= 0.5f ? 2 : 1;
        if (reduction > 1)
        {
            using var reduced = Cv2.ImRead(image.ImagePath, ReducedMode(reduction));
            if (!reduced.Empty()
                && reduced.Width == (image.Width + reduction - 1) / reduction
                && reduced.Height == (image.Height + reduction - 1) / reduction)
            {
                return Render(reduced, image.Width, image.Height, image.Objects, size, augment, scale, flip);
            }
        }

        // Not shrunk enough to reduce, or the annotation's size is not the file's: read it whole and scale
        // from the file's own size.
        using var bgr = Cv2.ImRead(image.ImagePath, ImreadModes.Color);
        if (bgr.Empty())
        {
            throw new DatasetException(image.ImagePath, "not a readable image; replace or remove it.");
        }

        if (bgr.Width != image.Width || bgr.Height != image.Height)
        {
            // The same jitter, on the scale the file's own size calls for.
            scale *= (float)Math.Max(image.Width, image.Height) / Math.Max(bgr.Width, bgr.Height);
        }

        return Render(bgr, bgr.Width, bgr.Height, image.Objects, size, augment, scale, flip);
    }

    /// <summary>
    /// A <paramref name="size"/>² sample of the image scaled to fit <paramref name="scaleTo"/> (0: the
    /// sample's own size; larger: the sample is a window of that letterbox, placed at random).
    /// </summary>
    public static TrainingSample Prepare(Mat bgr, IReadOnlyList<AnnotatedObject> objects, int size, Random? augment, int scaleTo = 0)
    {
        var (scale, flip) = DrawScale(bgr.Width, bgr.Height, size, augment, scaleTo);
        return Render(bgr, bgr.Width, bgr.Height, objects, size, augment, scale, flip);
    }

    /// <summary>The scale from source pixels to sample pixels (jittered with augmentation) and whether to flip.</summary>
    private static (float Scale, bool Flip) DrawScale(int width, int height, int size, Random? augment, int scaleTo)
    {
        var scale = (float)(scaleTo > 0 ? scaleTo : size) / Math.Max(width, height);
        var flip = false;
        if (augment is not null)
        {
            scale *= 0.6f + 0.7f * (float)augment.NextDouble();
            flip = augment.NextDouble() < 0.5;
        }

        return (scale, flip);
    }

    private static ImreadModes ReducedMode(int reduction) => reduction switch
    {
        2 => ImreadModes.ReducedColor2,
        4 => ImreadModes.ReducedColor4,
        _ => ImreadModes.ReducedColor8,
    };

    /// <summary>
    /// Draws the sample from <paramref name="bgr"/>, which shows a <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/>
    /// image (the annotations' pixels) at its own size, possibly reduced; <paramref name="scale"/> maps source pixels to sample pixels.
    /// </summary>
    private static TrainingSample Render(Mat bgr, int sourceWidth, int sourceHeight, IReadOnlyList<AnnotatedObject> objects, int size, Random? augment, float scale, bool flip)
    {
        var w = Math.Max(1, (int)MathF.Round(sourceWidth * scale));
        var h = Math.Max(1, (int)MathF.Round(sourceHeight * scale));
        float dx = (size - w) / 2f, dy = (size - h) / 2f;
        if (augment is not null)
        {
            // Anywhere from fully inside to partly cut, when the scaled image is larger than the input.
            dx = (float)(augment.NextDouble() * (size - w));
            dy = (float)(augment.NextDouble() * (size - h));
        }

        var left = (int)MathF.Round(dx);
        var top = (int)MathF.Round(dy);
        using var canvas = new Mat(size, size, MatType.CV_8UC3, Scalar.All(PadValue));
        using (var resized = new Mat())
        {
            Cv2.Resize(bgr, resized, new Size(w, h), 0, 0, InterpolationFlags.Linear);
            var src = new Rect(Math.Max(0, -left), Math.Max(0, -top), 0, 0);
            var dst = new Rect(Math.Max(0, left), Math.Max(0, top), 0, 0);
            src.Width = dst.Width = Math.Min(w - src.X, size - dst.X);
            src.Height = dst.Height = Math.Min(h - src.Y, size - dst.Y);
            using var from = new Mat(resized, src);
            using var to = new Mat(canvas, dst);
            from.CopyTo(to);
        }

        if (flip)
        {
            Cv2.Flip(canvas, canvas, FlipMode.Y);
        }

        if (augment is not null)
        {
            Jitter(canvas, augment);
        }

        var boxes = new List<float>();
        var classes = new List<int>();
        var difficult = new List<bool>();
        foreach (var o in objects)
        {
            var x1 = o.Box.X1 * scale + left;
            var y1 = o.Box.Y1 * scale + top;
            var x2 = o.Box.X2 * scale + left;
            var y2 = o.Box.Y2 * scale + top;
            var area = (x2 - x1) * (y2 - y1);
            var cx1 = Math.Clamp(x1, 0, size);
            var cy1 = Math.Clamp(y1, 0, size);
            var cx2 = Math.Clamp(x2, 0, size);
            var cy2 = Math.Clamp(y2, 0, size);
            var kept = (cx2 - cx1) * (cy2 - cy1);
            if (cx2 - cx1 < 2 || cy2 - cy1 < 2 || kept < 0.3f * area)
            {
                continue;
            }

            if (flip)
            {
                (cx1, cx2) = (size - cx2, size - cx1);
            }

            boxes.AddRange([cx1, cy1, cx2, cy2]);
            classes.Add(o.ClassId);
            // A cut that hides over half the object makes it as ambiguous as a difficult one.
            difficult.Add(o.Difficult || kept < 0.5f * area);
        }

        return new TrainingSample(ToChwRgb(canvas), [.. boxes], [.. classes], [.. difficult]);
    }

    private static void Jitter(Mat image, Random rng)
    {
        var contrast = 0.7 + 0.6 * rng.NextDouble();
        var brightness = -30 + 60 * rng.NextDouble();
        image.ConvertTo(image, MatType.CV_8UC3, contrast, brightness);
        if (rng.NextDouble() < 0.3)
        {
            // Per-channel gains shift hue a little, so colour is never a cue for class.
            var gains = new Scalar(0.8 + 0.4 * rng.NextDouble(), 0.8 + 0.4 * rng.NextDouble(), 0.8 + 0.4 * rng.NextDouble());
            Cv2.Multiply(image, gains, image);
        }

        if (rng.NextDouble() < 0.2)
        {
            Cv2.GaussianBlur(image, image, new Size(0, 0), 0.4 + rng.NextDouble());
        }

        if (rng.NextDouble() < 0.2)
        {
            using var noise = new Mat(image.Size(), MatType.CV_16SC3);
            var sigma = 3 + 8 * rng.NextDouble();
            var cv = new RNG((ulong)rng.NextInt64());
            using var mean = InputArray.Create(new double[] { 0, 0, 0 });
            using var std = InputArray.Create(new double[] { sigma, sigma, sigma });
            cv.Fill(noise, DistributionType.Normal, mean, std);
            using var wide = new Mat();
            image.ConvertTo(wide, MatType.CV_16SC3);
            Cv2.Add(wide, noise, wide);
            wide.ConvertTo(image, MatType.CV_8UC3);
        }
    }

    private static unsafe float[] ToChwRgb(Mat bgr)
    {
        var size = bgr.Width * bgr.Height;
        var pixels = new float[3 * size];
        var data = (byte*)bgr.DataPointer;
        for (var i = 0; i < size; i++)
        {
            pixels[i] = data[3 * i + 2] / 255f;
            pixels[size + i] = data[3 * i + 1] / 255f;
            pixels[2 * size + i] = data[3 * i] / 255f;
        }

        return pixels;
    }
}
