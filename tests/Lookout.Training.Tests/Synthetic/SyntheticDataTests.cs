using System.Text.Json;
using Lookout.Detection.Datasets;
using Lookout.Training.Synthetic;
using OpenCvSharp;

namespace Lookout.Training.Tests.Synthetic;

public sealed class SyntheticDataTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lookout-synth-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Write_SameSeed_IdenticalAnnotationsAndImages()
    {
        var a = Path.Combine(_root, "a");
        var b = Path.Combine(_root, "b");
        SyntheticDatasetWriter.Write(a, 12, 42, SyntheticImageGenerator.DefaultSizes, (0.5, 0.25, 0.25));
        SyntheticDatasetWriter.Write(b, 12, 42, SyntheticImageGenerator.DefaultSizes, (0.5, 0.25, 0.25));

        foreach (var file in Directory.GetFiles(a, "*", SearchOption.AllDirectories))
        {
            var twin = Path.Combine(b, Path.GetRelativePath(a, file));
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(twin)), $"{Path.GetRelativePath(a, file)} differs");
        }
    }

    [Fact]
    public void Write_DifferentSeed_DifferentScenes()
    {
        var a = Path.Combine(_root, "a");
        var b = Path.Combine(_root, "b");
        SyntheticDatasetWriter.Write(a, 3, 1, SyntheticImageGenerator.DefaultSizes, (1, 1, 1));
        SyntheticDatasetWriter.Write(b, 3, 2, SyntheticImageGenerator.DefaultSizes, (1, 1, 1));

        Assert.NotEqual(
            File.ReadAllText(Path.Combine(a, "Annotations", "synth_000000.xml")),
            File.ReadAllText(Path.Combine(b, "Annotations", "synth_000000.xml")));
    }

    [Fact]
    public void Generate_ObjectCount_PlacesAtMostThatManyAndMoreThanOne()
    {
        IReadOnlyList<Size> sizes = [new Size(640, 480)];
        var many = Enumerable.Range(0, 12).Select(i => Count(SyntheticImageGenerator.Generate(3, i, sizes, new ObjectCount(10, 10)))).ToList();
        var one = Enumerable.Range(0, 12).Select(i => Count(SyntheticImageGenerator.Generate(3, i, sizes, new ObjectCount(1, 1)))).ToList();

        // Objects fully hidden by others or by the frame are left out, so an image may hold fewer than placed.
        Assert.All(many, n => Assert.InRange(n, 0, 10));
        Assert.All(one, n => Assert.InRange(n, 0, 1));
        Assert.True(many.Sum() >= 6 * many.Count, $"10 objects placed per image, {many.Sum()} annotated in {many.Count} images");

        static int Count((Mat Image, IReadOnlyList<AnnotatedObject> Objects, int JpegQuality) generated)
        {
            generated.Image.Dispose();
            return generated.Objects.Count;
        }
    }

    [Fact]
    public void Generate_DefaultObjectCount_SameSceneAsOneToEight()
    {
        IReadOnlyList<Size> sizes = SyntheticImageGenerator.DefaultSizes;
        var (a, objectsA, qualityA) = SyntheticImageGenerator.Generate(2026, 5, sizes);
        var (b, objectsB, qualityB) = SyntheticImageGenerator.Generate(2026, 5, sizes, new ObjectCount(1, 8));
        using (a)
        using (b)
        {
            Assert.Equal(objectsA, objectsB);
            Assert.Equal(qualityA, qualityB);
            Assert.Equal(0, Cv2.Norm(a, b, NormTypes.INF));
        }
    }

    [Fact]
    public void SplitDistractors_Range_TotalWithinAndAtMostTwoInFront()
    {
        var rng = new Random(7);
        var count = new DistractorCount(8, 24);
        var draws = Enumerable.Range(0, 2000).Select(_ => SyntheticImageGenerator.SplitDistractors(rng, count)).ToList();

        Assert.All(draws, d => Assert.InRange(d.Behind + d.Front, 8, 24));
        Assert.All(draws, d => Assert.InRange(d.Front, 0, 2));
        // As by default: none in front in half the images, 1 or 2 in the other half (0.75 on average).
        Assert.InRange(draws.Average(d => d.Front), 0.70, 0.80);
        Assert.Contains(draws, d => d.Behind + d.Front == 8);
        Assert.Contains(draws, d => d.Behind + d.Front == 24);
    }

    [Fact]
    public void SplitDistractors_None_NoneInFront()
    {
        var rng = new Random(3);
        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal((0, 0), SyntheticImageGenerator.SplitDistractors(rng, new DistractorCount(0, 0))));
    }

    [Fact]
    public void Generate_ManyDistractors_MoreEdgesSameSizeAndQualityRange()
    {
        IReadOnlyList<Size> sizes = [new Size(320, 240)];
        double Edges(DistractorCount? distractors) => Enumerable.Range(0, 6).Sum(i =>
        {
            var (image, _, quality) = SyntheticImageGenerator.Generate(11, i, sizes, new ObjectCount(1, 1), distractors);
            using (image)
            using (var gray = image.CvtColor(ColorConversionCodes.BGR2GRAY))
            using (var edges = gray.Canny(80, 160))
            {
                Assert.Equal(sizes[0], image.Size());
                Assert.InRange(quality, 35, 95);
                return Cv2.CountNonZero(edges);
            }
        });

        // The background's clutter varies as much; forty distractors per image against none dominate it over six images.
        Assert.True(Edges(new DistractorCount(40, 40)) > 1.5 * Edges(new DistractorCount(0, 0)));
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(5, 4)]
    [InlineData(0, DistractorCount.Most + 1)]
    public void DistractorCount_OutOfRange_Throws(int min, int max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistractorCount(min, max));
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(5, 4)]
    [InlineData(0, 0)]
    [InlineData(1, ObjectCount.Most + 1)]
    public void ObjectCount_OutOfRange_Throws(int min, int max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectCount(min, max));
    }

    [Fact]
    public void Write_Dataset_LoadsAsVocWithBoxesInsideAndFixedClasses()
    {
        var dir = Path.Combine(_root, "set");
        var perClass = SyntheticDatasetWriter.Write(dir, 20, 5, [new Size(320, 240), new Size(256, 256)], (0.6, 0.2, 0.2));

        Assert.Equal(["circle", "triangle", "square", "star", "hexagon", "cross"], ShapeClasses.Names);
        var splits = new[] { "train", "val", "test" }.Select(s => VocDataset.Load(dir, s)).ToList();
        Assert.Equal([12, 4, 4], splits.Select(s => s.Images.Count));
        // The test split again, by image size.
        var bySize = new[] { "test-320x240", "test-256x256" }.Select(s => VocDataset.ListSplits(dir).Contains(s) ? VocDataset.Load(dir, s) : null).ToList();
        Assert.Equal(
            splits[2].Images.Select(i => i.Id).Order(StringComparer.Ordinal),
            bySize.Where(s => s is not null).SelectMany(s => s!.Images).Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.All(bySize.Where(s => s is not null), s => Assert.All(s!.Images, i => Assert.Equal(s.Split, $"test-{i.Width}x{i.Height}")));
        Assert.Equal(20, splits.SelectMany(s => s.Images).Select(i => i.Id).Distinct().Count());
        var total = new int[6];
        foreach (var split in splits)
        {
            Assert.Equal(ShapeClasses.Names, split.ClassNames);
            Assert.Empty(split.Warnings);
            foreach (var image in split.Images)
            {
                Assert.True(image.Width is 320 or 256);
                foreach (var o in image.Objects)
                {
                    Assert.InRange(o.Box.X1, 0, image.Width);
                    Assert.InRange(o.Box.X2, o.Box.X1 + 1, image.Width);
                    Assert.InRange(o.Box.Y1, 0, image.Height);
                    Assert.InRange(o.Box.Y2, o.Box.Y1 + 1, image.Height);
                    total[o.ClassId]++;
                }
            }
        }

        Assert.Equal(perClass, total);
        Assert.True(total.Sum() > 20);
    }

    [Fact]
    public void Write_NonEmptyOutputFolder_RefusesAndLeavesItAlone()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "keep.txt"), "x");

        Assert.Throws<IOException>(() => SyntheticDatasetWriter.Write(_root, 2, 1, SyntheticImageGenerator.DefaultSizes, (1, 0, 0)));
        Assert.True(File.Exists(Path.Combine(_root, "keep.txt")));
    }

    [Fact]
    public void WriteVideo_Frames_VideoAndOneTruthLinePerFrame()
    {
        Directory.CreateDirectory(_root);
        var video = Path.Combine(_root, "clip.mp4");
        var truth = Path.Combine(_root, "clip.jsonl");

        var objects = SyntheticVideoGenerator.Write(video, truth, 30, 3, new Size(320, 240), 25);

        using (var capture = new VideoCapture(video))
        {
            Assert.True(capture.IsOpened());
            Assert.Equal(30, capture.FrameCount);
        }

        var lines = File.ReadAllLines(truth);
        Assert.Equal(30, lines.Length);
        Assert.False(File.Exists(truth + ".partial"));
        var seen = 0;
        for (var f = 0; f < lines.Length; f++)
        {
            using var json = JsonDocument.Parse(lines[f]);
            var root = json.RootElement;
            Assert.Equal(f, root.GetProperty("frame").GetInt32());
            Assert.Equal(f * 40.0, root.GetProperty("timestamp_ms").GetDouble(), 6);
            Assert.Equal("clip.mp4", root.GetProperty("source").GetString());
            Assert.Equal(320, root.GetProperty("width").GetInt32());
            foreach (var d in root.GetProperty("detections").EnumerateArray())
            {
                var classId = d.GetProperty("class_id").GetInt32();
                Assert.Equal(ShapeClasses.Names[classId], d.GetProperty("label").GetString());
                Assert.Equal(1.0, d.GetProperty("score").GetDouble());
                var box = d.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.InRange(box[0], 0, box[2]);
                Assert.InRange(box[2], box[0], 320);
                Assert.InRange(box[3], box[1], 240);
                seen++;
            }
        }

        Assert.Equal(objects, seen);
        Assert.True(seen > 0);
    }
}
