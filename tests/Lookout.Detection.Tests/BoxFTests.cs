namespace Lookout.Detection.Tests;

public sealed class BoxFTests
{
    [Fact]
    public void IoU_IdenticalBoxes_IsOne()
    {
        var a = new BoxF(10, 20, 50, 60);

        Assert.Equal(1f, BoxF.IoU(a, a));
    }

    [Fact]
    public void IoU_HalfOverlap_IsOneThird()
    {
        var a = new BoxF(0, 0, 10, 10);
        var b = new BoxF(5, 0, 15, 10);

        Assert.Equal(50f / 150f, BoxF.IoU(a, b), 6);
    }

    [Fact]
    public void IoU_ContainedBox_IsAreaRatio()
    {
        var outer = new BoxF(0, 0, 10, 10);
        var inner = new BoxF(2, 2, 7, 7);

        Assert.Equal(25f / 100f, BoxF.IoU(outer, inner), 6);
    }

    [Fact]
    public void IoU_TouchingOrDisjoint_IsZero()
    {
        var a = new BoxF(0, 0, 10, 10);

        Assert.Equal(0f, BoxF.IoU(a, new BoxF(10, 0, 20, 10)));
        Assert.Equal(0f, BoxF.IoU(a, new BoxF(30, 30, 40, 40)));
    }

    [Fact]
    public void IoU_EmptyBoxes_IsZero()
    {
        var point = new BoxF(5, 5, 5, 5);

        Assert.Equal(0f, BoxF.IoU(point, point));
    }

    [Fact]
    public void IoU_IsSymmetric()
    {
        var a = new BoxF(1, 2, 30, 40);
        var b = new BoxF(10, 5, 50, 25);

        Assert.Equal(BoxF.IoU(a, b), BoxF.IoU(b, a));
    }

    [Fact]
    public void Area_InvertedBox_IsZero()
    {
        var box = new BoxF(10, 10, 5, 20);

        Assert.Equal(-5f, box.Width);
        Assert.Equal(0f, box.Area);
    }

    [Fact]
    public void Clip_BoxOutsideImage_IsLimitedToImage()
    {
        var box = new BoxF(-5, -1, 700, 300);

        Assert.Equal(new BoxF(0, 0, 640, 300), box.Clip(640, 480));
    }
}
