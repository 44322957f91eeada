using Lookout.Detection.Datasets;
using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>
/// Makes one synthetic training image: shapes of the six classes on a cluttered background among
/// distractors, then degraded like a camera image. The image depends only on (seed, index, sizes), so
/// images can be made in any order or in parallel and still come out the same.
/// </summary>
public static class SyntheticImageGenerator
{
    /// <summary>The image sizes used when none are given.</summary>
    public static IReadOnlyList<Size> DefaultSizes { get; } = [new(640, 360), new(640, 480), new(512, 512), new(1280, 720)];

    /// <summary>How many objects an image holds when not told: from 1 to 8 (and none in 3 % of images).</summary>
    public static ObjectCount DefaultObjects { get; } = new(1, 8);

    /// <summary>Generates image <paramref name="index"/> of the set made with <paramref name="seed"/>.</summary>
    /// <param name="objects">How many objects to place (uniform over the range; none in 3 % of images); default <see cref="DefaultObjects"/>.</param>
    /// <param name="distractors">
    /// How many distractors to place (uniform over the range; in front of the objects as many as by default, the rest
    /// behind); by default 0 to 5 behind the objects and, in half the images, 1 or 2 in front — the same random draws
    /// as before this option, so a seed still makes the same images.
    /// </param>
    /// <returns>The BGR image (the caller disposes it), its ground truth, and the JPEG quality to save it with.</returns>
    public static (Mat Image, IReadOnlyList<AnnotatedObject> Objects, int JpegQuality) Generate(int seed, int index, IReadOnlyList<Size> sizes, ObjectCount? objects = null, DistractorCount? distractors = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sizes.Count);
        var range = objects ?? DefaultObjects;
        var rng = new Random(Mix(seed, index));
        var size = sizes[rng.Next(sizes.Count)];
        var image = SceneSampler.Background(rng, size);
        var layers = new List<SceneLayer>();
        var (behind, front) = distractors is { } told ? SplitDistractors(rng, told) : (rng.Next(0, 6), -1);
        for (var i = 0; i < behind; i++)
        {
            layers.Add(SceneSampler.Distractor(rng, size, image));
        }

        var count = rng.NextDouble() < 0.03 ? 0 : rng.Next(range.Min, range.Max + 1);
        var placed = new List<ShapeSpec>(count);
        for (var i = 0; i < count; i++)
        {
            var shape = SceneSampler.Shape(rng, size, image);
            // A few tries to keep objects from piling up; occlusion stays, heavy overlap is rare.
            for (var attempt = 0; attempt < 10 && placed.Exists(p => Overlap(p, shape) > 0.3f); attempt++)
            {
                shape = SceneSampler.Shape(rng, size, image, shape.ClassId);
            }

            placed.Add(shape);
            layers.Add(shape.ToLayer());
        }

        var inFront = front >= 0 ? front : InFront(rng);
        for (var i = 0; i < inFront; i++)
        {
            layers.Add(SceneSampler.Distractor(rng, size, image));
        }

        var truth = SceneComposer.Compose(image, layers);
        var degradation = SceneSampler.SampleDegradation(rng);
        SceneSampler.Apply(image, degradation, rng);
        return (image, truth, degradation.JpegQuality);
    }

    /// <summary>
    /// How many of a drawn number of distractors go behind the objects and how many in front: in front as many as
    /// without a count (none, or in half the images 1 or 2), so objects are hidden by distractors no more often than
    /// in the default scenes; the rest behind.
    /// </summary>
    internal static (int Behind, int Front) SplitDistractors(Random rng, DistractorCount count)
    {
        var total = rng.Next(count.Min, count.Max + 1);
        var front = Math.Min(total, InFront(rng));
        return (total - front, front);
    }

    private static int InFront(Random rng) => rng.NextDouble() < 0.5 ? rng.Next(1, 3) : 0;

    internal static int Mix(int seed, int index) => unchecked((int)((uint)seed * 2654435761u ^ (uint)index * 40503u + 0x9E3779B9u));

    /// <summary>IoU of the squares around two shapes, a cheap proxy for how much they would cover each other.</summary>
    private static float Overlap(ShapeSpec a, ShapeSpec b) => Lookout.Detection.BoxF.IoU(Square(a), Square(b));

    private static Lookout.Detection.BoxF Square(ShapeSpec s) =>
        new(s.Center.X - s.Radius, s.Center.Y - s.Radius, s.Center.X + s.Radius, s.Center.Y + s.Radius);
}
