using Lookout.Training.Synthetic;
using OpenCvSharp;

namespace Lookout.Training.Tests.Synthetic;

public sealed class SceneComposerTests
{
    private static PolygonLayer Square(float cx, float cy, float radius, int classId = ShapeClasses.Square) =>
        new ShapeSpec(classId, new Point2f(cx, cy), radius, MathF.PI / 4, true, -1, Scalar.White, 0).ToLayer();

    [Fact]
    public void Compose_AxisAlignedSquare_BoxIsItsExtent()
    {
        using var image = new Mat(100, 100, MatType.CV_8UC3, Scalar.Black);

        var objects = SceneComposer.Compose(image, [Square(50, 50, 20 * MathF.Sqrt(2))]);

        var o = Assert.Single(objects);
        Assert.Equal("square", o.Label);
        Assert.False(o.Difficult);
        Assert.InRange(o.Box.X1, 29, 31);
        Assert.InRange(o.Box.X2, 69, 71);
    }

    [Fact]
    public void Compose_MostlyHiddenBehindAnother_IsDropped()
    {
        using var image = new Mat(100, 100, MatType.CV_8UC3, Scalar.Black);

        var objects = SceneComposer.Compose(image, [Square(50, 50, 14, ShapeClasses.Hexagon), Square(52, 50, 30)]);

        Assert.Equal("square", Assert.Single(objects).Label);
    }

    [Fact]
    public void Compose_HalfOutsideFrame_ClippedBoxAndDifficult()
    {
        using var image = new Mat(100, 100, MatType.CV_8UC3, Scalar.Black);

        // Axis-aligned 40x40 square centred on the left edge: 0.5 visible, the difficult threshold is below 0.5.
        var o = Assert.Single(SceneComposer.Compose(image, [Square(-2, 50, 20 * MathF.Sqrt(2))]));

        Assert.Equal(0, o.Box.X1);
        Assert.InRange(o.Box.X2, 17, 19);
        Assert.True(o.Difficult);
    }
}
