using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>
/// Random choices for synthetic scenes: cluttered backgrounds, objects, distractors that are not
/// objects, and the camera-like degradations applied last. Every choice comes from the given
/// <see cref="Random"/> (and OpenCV <see cref="RNG"/>s seeded from it), so a seed fixes the scene.
/// </summary>
internal static class SceneSampler
{
    public const float MinObjectSize = 8;
    public const float MaxObjectSize = 200;

    // No letters or signs that read as one of the classes (O, 0, Q look like circles; X, x, + like crosses).
    private const string TextAlphabet = "ABEFGHKLMNRSTUVWYZabdefghkmnrstuvwyz123456789#%&?=";

    private static readonly HersheyFonts[] Fonts =
    [
        HersheyFonts.HersheySimplex, HersheyFonts.HersheyPlain, HersheyFonts.HersheyDuplex, HersheyFonts.HersheyComplex,
        HersheyFonts.HersheyTriplex, HersheyFonts.HersheyComplexSmall, HersheyFonts.HersheyScriptSimplex,
    ];

    public static float Uniform(this Random rng, float min, float max) => min + (float)rng.NextDouble() * (max - min);

    public static Scalar RandomColor(Random rng) => new(rng.Next(256), rng.Next(256), rng.Next(256));

    /// <summary>A cluttered background: a smooth multi-colour gradient, soft blobs, lines and grain.</summary>
    public static Mat Background(Random rng, Size size)
    {
        var grid = rng.Next(2, 5);
        using var seed = new Mat(grid, grid, MatType.CV_8UC3);
        for (var y = 0; y < grid; y++)
        {
            for (var x = 0; x < grid; x++)
            {
                var c = RandomColor(rng);
                seed.Set(y, x, new Vec3b((byte)c.Val0, (byte)c.Val1, (byte)c.Val2));
            }
        }

        var image = new Mat();
        Cv2.Resize(seed, image, size, 0, 0, InterpolationFlags.Cubic);

        var blobs = rng.Next(0, 7);
        if (blobs > 0)
        {
            for (var i = 0; i < blobs; i++)
            {
                var axes = new Size(rng.Next(size.Width / 20 + 1, size.Width / 4 + 2), rng.Next(size.Height / 20 + 1, size.Height / 4 + 2));
                Cv2.Ellipse(image, new Point(rng.Next(size.Width), rng.Next(size.Height)), axes, rng.Next(180), 0, 360, RandomColor(rng), -1, LineTypes.AntiAlias);
            }

            var sigma = rng.Uniform(4, 20);
            Cv2.GaussianBlur(image, image, new Size(0, 0), sigma);
        }

        var lines = rng.Next(0, 14);
        for (var i = 0; i < lines; i++)
        {
            Cv2.Line(
                image,
                new Point(rng.Next(-size.Width / 2, size.Width * 3 / 2), rng.Next(-size.Height / 2, size.Height * 3 / 2)),
                new Point(rng.Next(-size.Width / 2, size.Width * 3 / 2), rng.Next(-size.Height / 2, size.Height * 3 / 2)),
                RandomColor(rng),
                rng.Next(1, 4),
                LineTypes.AntiAlias);
        }

        if (rng.NextDouble() < 0.6)
        {
            AddNoise(image, rng, rng.Uniform(3, 25));
        }

        return image;
    }

    /// <summary>An object of a random class, size (log-uniform 8-200 px), pose and colour, possibly cut by the frame.</summary>
    public static ShapeSpec Shape(Random rng, Size size, Mat background, int? classId = null)
    {
        var maxSize = Math.Min(MaxObjectSize, 0.6f * Math.Min(size.Width, size.Height));
        var extent = MathF.Exp(rng.Uniform(MathF.Log(MinObjectSize), MathF.Log(maxSize)));
        var radius = extent / 2;
        var center = new Point2f(rng.Uniform(-0.4f * radius, size.Width + 0.4f * radius), rng.Uniform(-0.4f * radius, size.Height + 0.4f * radius));
        var cls = classId ?? rng.Next(ShapeClasses.Names.Count);
        // Thin outlines of tiny shapes vanish; keep small ones mostly filled.
        var filled = extent < 16 ? rng.NextDouble() < 0.85 : rng.NextDouble() < 0.6;
        var thickness = filled ? -1 : Math.Max(1, (int)MathF.Round(rng.Uniform(1, Math.Max(1.5f, extent / 12))));
        var proportion = cls switch
        {
            ShapeClasses.Star => rng.Uniform(0.38f, 0.5f),
            ShapeClasses.Cross => rng.Uniform(0.2f, 0.36f),
            _ => 0,
        };
        var color = ContrastingColor(rng, background, center, radius);
        return new ShapeSpec(cls, center, radius, rng.Uniform(0, 2 * MathF.PI), filled, thickness, color, proportion);
    }

    /// <summary>A distractor: an elongated ellipse or bar, a pentagon, an arc, a segment or text.</summary>
    public static SceneLayer Distractor(Random rng, Size size, Mat background)
    {
        var maxSize = Math.Min(MaxObjectSize * 1.5f, 0.8f * Math.Min(size.Width, size.Height));
        var extent = MathF.Exp(rng.Uniform(MathF.Log(MinObjectSize * 1.5f), MathF.Log(maxSize)));
        var center = new Point2f(rng.Uniform(0, size.Width), rng.Uniform(0, size.Height));
        var color = ContrastingColor(rng, background, center, extent / 2);
        var filled = rng.NextDouble() < 0.5;
        var thickness = filled ? -1 : rng.Next(1, Math.Max(2, (int)(extent / 15)));
        var rotation = rng.Uniform(0, 2 * MathF.PI);
        switch (rng.Next(6))
        {
            case 0:
                {
                    var a = extent / 2;
                    return new PolygonLayer(ShapeGeometry.Ellipse(center, a, a / rng.Uniform(2.5f, 6f), rotation), filled, thickness) { Color = color };
                }

            case 1:
                {
                    var a = extent / 2;
                    return new PolygonLayer(ShapeGeometry.Rectangle(center, a, a / rng.Uniform(2.5f, 8f), rotation), filled, thickness) { Color = color };
                }

            case 2:
                return new PolygonLayer(ShapeGeometry.Regular(center, extent / 2, 5, rotation), filled, thickness) { Color = color };
            case 3:
                {
                    var start = rng.Uniform(0, 360);
                    var a = extent / 2;
                    return new ArcLayer(center, a, a * rng.Uniform(0.4f, 1f), rng.Uniform(0, 180), start, start + rng.Uniform(60, 270), Math.Max(1, thickness)) { Color = color };
                }

            case 4:
                {
                    var (sin, cos) = MathF.SinCos(rotation);
                    var half = extent / 2;
                    var from = new Point2f(center.X - half * cos, center.Y - half * sin);
                    var to = new Point2f(center.X + half * cos, center.Y + half * sin);
                    return new SegmentLayer(from, to, rng.Next(1, 6)) { Color = color };
                }

            default:
                {
                    var length = rng.Next(2, 9);
                    var chars = new char[length];
                    for (var i = 0; i < length; i++)
                    {
                        chars[i] = TextAlphabet[rng.Next(TextAlphabet.Length)];
                    }

                    var scale = rng.Uniform(0.4f, 2.2f);
                    var origin = new Point(rng.Next(-20, size.Width), rng.Next(10, size.Height + 20));
                    return new TextLayer(new string(chars), origin, Fonts[rng.Next(Fonts.Length)], scale, rng.Next(1, 4)) { Color = color };
                }
        }
    }

    /// <summary>Camera-like degradations, drawn once per image (or once per video).</summary>
    public static Degradation SampleDegradation(Random rng) => new(
        Contrast: rng.Uniform(0.65f, 1.35f),
        Brightness: rng.Uniform(-40, 40),
        BlurSigma: rng.NextDouble() < 0.3 ? rng.Uniform(0.5f, 1.6f) : 0,
        MotionLength: rng.NextDouble() < 0.2 ? rng.Next(3, 10) : 0,
        MotionAngle: rng.Uniform(0, 180),
        NoiseSigma: rng.NextDouble() < 0.5 ? rng.Uniform(2, 12) : 0,
        JpegQuality: rng.Next(35, 96));

    public static void Apply(Mat image, Degradation d, Random rng)
    {
        image.ConvertTo(image, MatType.CV_8UC3, d.Contrast, d.Brightness);
        if (d.BlurSigma > 0)
        {
            Cv2.GaussianBlur(image, image, new Size(0, 0), d.BlurSigma);
        }

        if (d.MotionLength > 0)
        {
            using var kernel = MotionKernel(d.MotionLength, d.MotionAngle);
            Cv2.Filter2D(image, image, -1, kernel);
        }

        if (d.NoiseSigma > 0)
        {
            AddNoise(image, rng, d.NoiseSigma);
        }
    }

    private static Mat MotionKernel(int length, float angleDegrees)
    {
        var kernel = new Mat(length, length, MatType.CV_32FC1, Scalar.All(0));
        var c = (length - 1) / 2f;
        var (sin, cos) = MathF.SinCos(angleDegrees * MathF.PI / 180);
        var half = (length - 1) / 2f;
        Cv2.Line(
            kernel,
            ShapeGeometry.Fixed(c - half * cos, c - half * sin),
            ShapeGeometry.Fixed(c + half * cos, c + half * sin),
            Scalar.All(1),
            1,
            LineTypes.AntiAlias,
            ShapeGeometry.Shift);
        var sum = Cv2.Sum(kernel).Val0;
        kernel /= sum;
        return kernel;
    }

    private static void AddNoise(Mat image, Random rng, float sigma)
    {
        // RNG is a struct whose state a copy would not carry back: seed a fresh one from rng each time.
        var cv = new RNG((ulong)rng.NextInt64());
        using var noise = new Mat(image.Size(), MatType.CV_16SC3);
        using var mean = InputArray.Create(new double[] { 0, 0, 0 });
        using var std = InputArray.Create(new double[] { sigma, sigma, sigma });
        cv.Fill(noise, DistributionType.Normal, mean, std);
        using var wide = new Mat();
        image.ConvertTo(wide, MatType.CV_16SC3);
        Cv2.Add(wide, noise, wide);
        wide.ConvertTo(image, MatType.CV_8UC3);
    }

    /// <summary>A random colour that differs clearly from the background around the object.</summary>
    private static Scalar ContrastingColor(Random rng, Mat background, Point2f center, float radius)
    {
        var area = new Rect((int)(center.X - radius), (int)(center.Y - radius), (int)(2 * radius) + 1, (int)(2 * radius) + 1)
            .Intersect(new Rect(0, 0, background.Width, background.Height));
        var mean = Scalar.All(128);
        if (area.Width > 0 && area.Height > 0)
        {
            using var under = new Mat(background, area);
            mean = under.Mean();
        }

        var color = RandomColor(rng);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var distance = Math.Abs(color.Val0 - mean.Val0) + Math.Abs(color.Val1 - mean.Val1) + Math.Abs(color.Val2 - mean.Val2);
            if (distance >= 120)
            {
                return color;
            }

            color = RandomColor(rng);
        }

        return new Scalar(255 - mean.Val0, 255 - mean.Val1, 255 - mean.Val2);
    }
}
