using Lookout.Detection;
using Lookout.Detection.Datasets;
using Lookout.Training.Training;
using OpenCvSharp;

namespace Lookout.Training.Tests.Training;

/// <summary>Reading a dataset image for a sample: a JPEG shrunk 2× or more is decoded already reduced.</summary>
public sealed class SamplePreparerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lookout-prep-" + Guid.NewGuid().ToString("N"));

    public SamplePreparerTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Prepare_JpegShrunkFourTimes_SameBoxesAndNearlyTheSamePixelsAsTheFullImage(int seed)
    {
        var path = WriteScene("scene.jpg", 1280, 720);
        AnnotatedObject[] objects = [new(1, "triangle", new BoxF(300, 200, 500, 420), false), new(3, "star", new BoxF(900, 100, 1000, 190), false)];
        var image = new AnnotatedImage("scene", path, 1280, 720, objects);
        using var whole = Cv2.ImRead(path);

        // 128/1280 = 0.1 times a jitter of 0.6–1.3: a quarter or an eighth of the file is decoded.
        var reduced = SamplePreparer.Prepare(image, 128, new Random(seed));
        var full = SamplePreparer.Prepare(whole, objects, 128, new Random(seed));

        Assert.Equal(full.Boxes, reduced.Boxes);
        Assert.Equal(full.Classes, reduced.Classes);
        var meanDifference = full.Pixels.Zip(reduced.Pixels, (a, b) => MathF.Abs(a - b)).Average();
        Assert.InRange(meanDifference, 1e-6, 0.03); // not 0: the file was not read whole
    }

    [Fact]
    public void Prepare_AnnotationSizeNotTheFiles_ScalesFromTheFile()
    {
        var path = WriteScene("scene.jpg", 640, 480);
        AnnotatedObject[] objects = [new(0, "circle", new BoxF(100, 100, 200, 200), false)];
        // The annotation claims twice the file's size: the boxes are the file's pixels, as the sample drawn from the file itself says.
        var image = new AnnotatedImage("scene", path, 1280, 960, objects);
        using var whole = Cv2.ImRead(path);

        var sample = SamplePreparer.Prepare(image, 160, augment: null);
        var expected = SamplePreparer.Prepare(whole, objects, 160, augment: null);

        Assert.Equal(expected.Boxes, sample.Boxes);
        Assert.Equal(expected.Pixels, sample.Pixels);
    }

    [Fact]
    public void Prepare_UnreadableFile_NamesIt()
    {
        var path = Path.Combine(_root, "broken.jpg");
        File.WriteAllText(path, "not a JPEG");
        var image = new AnnotatedImage("broken", path, 1280, 720, []);

        var error = Assert.Throws<DatasetException>(() => SamplePreparer.Prepare(image, 128, new Random(1)));

        Assert.Contains("broken.jpg", error.Message, StringComparison.Ordinal);
    }

    private string WriteScene(string name, int width, int height)
    {
        using var scene = new Mat(height, width, MatType.CV_8UC3, new Scalar(90, 120, 150));
        Cv2.Rectangle(scene, new Rect(width / 4, height / 4, width / 3, height / 3), new Scalar(20, 200, 40), -1);
        Cv2.Circle(scene, new Point(width * 3 / 4, height / 2), height / 5, new Scalar(220, 30, 30), -1);
        var path = Path.Combine(_root, name);
        Cv2.ImWrite(path, scene);
        return path;
    }
}
