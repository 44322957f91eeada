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
}
