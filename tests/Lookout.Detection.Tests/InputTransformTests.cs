namespace Lookout.Detection.Tests;

public sealed class InputTransformTests
{
    [Fact]
    public void Create_CenterLetterboxLandscape_PadsTopAndBottomEqually()
    {
        InputTransform t = InputTransform.Create(640, 480, 640, 640, ResizeMode.Letterbox, LetterboxAlign.Center);

        Assert.Equal(new InputTransform(640, 480, 640, 480, 0, 80, 1f, 1f), t);
    }

    [Fact]
    public void Create_CenterLetterboxOddPadding_PutsExtraRowAtBottom()
    {
        // 500x335 at r = 1.28 is 640x428.8 -> 429 rows; 211 rows of padding split 105 top, 106 bottom (Ultralytics' −0.1).
        InputTransform t = InputTransform.Create(500, 335, 640, 640, ResizeMode.Letterbox, LetterboxAlign.Center);

        Assert.Equal(640, t.ResizedWidth);
        Assert.Equal(429, t.ResizedHeight);
        Assert.Equal(0, t.Left);
        Assert.Equal(105, t.Top);
        Assert.Equal(1.28f, t.ScaleX);
    }

    [Fact]
    public void Create_TopLeftLetterbox_TruncatesSizeAndHasNoOffset()
    {
        // YOLOX: 424 * 0.65 = 275.6 -> 275 rows.
        InputTransform t = InputTransform.Create(640, 424, 416, 416, ResizeMode.Letterbox, LetterboxAlign.TopLeft);

        Assert.Equal(new InputTransform(640, 424, 416, 275, 0, 0, 0.65f, 0.65f), t);
    }

    [Fact]
    public void Create_Stretch_ScalesAxesIndependently()
    {
        InputTransform t = InputTransform.Create(640, 480, 320, 480, ResizeMode.Stretch, LetterboxAlign.Center);

        Assert.Equal(new InputTransform(640, 480, 320, 480, 0, 0, 0.5f, 1f), t);
    }

    [Theory]
    [InlineData(ResizeMode.Letterbox, LetterboxAlign.Center)]
    [InlineData(ResizeMode.Letterbox, LetterboxAlign.TopLeft)]
    [InlineData(ResizeMode.Stretch, LetterboxAlign.Center)]
    public void ToSource_AfterToInput_RoundTrips(ResizeMode resize, LetterboxAlign align)
    {
        InputTransform t = InputTransform.Create(1024, 559, 416, 320, resize, align);
        var box = new BoxF(12.5f, 40f, 900f, 558f);

        BoxF back = t.ToSource(t.ToInput(box));

        Assert.Equal(box.X1, back.X1, 3);
        Assert.Equal(box.Y1, back.Y1, 3);
        Assert.Equal(box.X2, back.X2, 3);
        Assert.Equal(box.Y2, back.Y2, 3);
    }

    [Fact]
    public void ToSource_CenterLetterbox_RemovesPaddingThenScale()
    {
        InputTransform t = InputTransform.Create(1280, 720, 640, 640, ResizeMode.Letterbox, LetterboxAlign.Center);

        // r = 0.5, 360 rows centred: top = round(140 - 0.1) = 140.
        BoxF source = t.ToSource(new BoxF(0, 140, 640, 500));

        Assert.Equal(140, t.Top);
        Assert.Equal(new BoxF(0, 0, 1280, 720), source);
    }

    [Fact]
    public void ToSource_ImageCornersOfTopLeftLetterbox_MapToSourceCorners()
    {
        InputTransform t = InputTransform.Create(480, 640, 416, 416, ResizeMode.Letterbox, LetterboxAlign.TopLeft);

        BoxF source = t.ToSource(new BoxF(0, 0, 416 * 0.75f, 416));

        Assert.Equal(0, t.Left);
        Assert.Equal(312, t.ResizedWidth);
        Assert.Equal(480f, source.X2, 3);
        Assert.Equal(640f, source.Y2, 3);
    }
}
