using Lookout.Detection;
using Lookout.Overlay;
using OpenCvSharp;

namespace Lookout.Tests.Overlay;

public sealed class RendererTests
{
    [Fact]
    public void Draw_OneDetection_PaintsItsClassColourOnTheBoxEdge()
    {
        using var image = new Mat(200, 300, MatType.CV_8UC3, Scalar.Black);
        var renderer = new Renderer();

        renderer.Draw(image, [new Detection.Detection(0, "face", 0.9f, new BoxF(50, 60, 150, 160))]);

        var expected = Palette.ForClass(0);
        var edge = image.At<Vec3b>(110, 50);
        Assert.Equal((byte)expected.Val0, edge.Item0);
        Assert.Equal((byte)expected.Val1, edge.Item1);
        Assert.Equal((byte)expected.Val2, edge.Item2);
        Assert.Equal(new Vec3b(0, 0, 0), image.At<Vec3b>(110, 100));
    }

    [Fact]
    public void Draw_Hud_DrawsTextInTopLeftCorner()
    {
        using var image = new Mat(200, 300, MatType.CV_8UC3, new Scalar(200, 200, 200));
        var renderer = new Renderer();

        renderer.Draw(image, [], "fps 10.0");

        using var corner = new Mat(image, new Rect(0, 0, 60, 20));
        Assert.True(Cv2.Mean(corner).Val0 < 150);
        Assert.Equal(new Vec3b(200, 200, 200), image.At<Vec3b>(150, 250));
    }

    [Fact]
    public void Draw_Hud_DarkensTheBackgroundAsConvertToWould()
    {
        using var image = new Mat(200, 300, MatType.CV_8UC3, new Scalar(200, 100, 7));
        using var expected = new Mat(1, 1, MatType.CV_8UC3, new Scalar(200, 100, 7));
        expected.ConvertTo(expected, -1, 0.4, 0);

        new Renderer().Draw(image, [], "fps 10.0");

        Assert.Equal(expected.At<Vec3b>(0, 0), image.At<Vec3b>(0, 0));
    }

    [Fact]
    public void Draw_SteadyState_AllocatesNothing()
    {
        using var image = new Mat(576, 768, MatType.CV_8UC3, Scalar.Gray);
        var detections = new Detection.Detection[20];
        for (var i = 0; i < detections.Length; i++)
        {
            detections[i] = new Detection.Detection(i % 4, "class" + (i % 4), 0.5f + (0.02f * i), new BoxF(i * 30, i * 20, (i * 30) + 60, (i * 20) + 90));
        }

        var renderer = new Renderer();
        renderer.Draw(image, detections, "fps 24.0  infer 12.3 ms  latency 80 ms");
        renderer.Draw(image, detections, "fps 24.0  infer 12.3 ms  latency 80 ms");

        var before = GC.GetAllocatedBytesForCurrentThread();
        renderer.Draw(image, detections, "fps 24.0  infer 12.3 ms  latency 80 ms");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
