using Lookout.Capture;
using Lookout.Detection;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Overlay;

public sealed class WindowSinkTests
{
    [Fact]
    public void Constructor_NoDisplay_ErrorSuggestsHeadlessVerbs()
    {
        var error = Assert.Throws<OutputException>(() => new WindowSink("lookout", () => { }, _ => null));

        Assert.Contains("DISPLAY", error.Message);
        Assert.Contains("lookout stream", error.Message);
        Assert.Contains("lookout annotate", error.Message);
    }

    [SkippableFact]
    public void Write_UnderXvfb_ScreenShowsTheDrawnBoxes()
    {
        Skip.If(VirtualDisplay.Display is null, VirtualDisplay.SkipReason);
        var before = Frame.LiveCount;
        var renderer = new Renderer();
        var quits = 0;
        var color = Palette.ForClass(3);
        using (var sink = new WindowSink("lookout-window-test", () => quits++))
        {
            using var frame = new DetectedFrame(
                new Frame(new Mat(240, 320, MatType.CV_8UC3, new Scalar(40, 40, 40)), 0, TimeSpan.Zero, "test"),
                [new Detection.Detection(3, "star", 0.9f, new BoxF(60, 70, 260, 200))],
                default);
            renderer.Draw(frame.Frame.Image, frame.Detections, "fps 25.0");
            for (var i = 0; i < 5; i++)
            {
                sink.Write(frame);
                Cv2.WaitKey(100);
            }

            // The box's class colour is on screen along its edges: at least the two long sides.
            using var screen = VirtualDisplay.Screenshot();
            using var mask = new Mat();
            Cv2.InRange(screen, new Scalar(color.Val0 - 2, color.Val1 - 2, color.Val2 - 2), new Scalar(color.Val0 + 2, color.Val1 + 2, color.Val2 + 2), mask);
            var boxPixels = Cv2.CountNonZero(mask);
            Assert.True(boxPixels >= 400, $"{boxPixels} pixels of the box colour on screen; quits {quits}, shown {sink.FramesShown}");
            Assert.Equal(5, sink.FramesShown);
            sink.Complete();
        }

        Assert.Equal(0, quits);
        FrameAssert.NoLiveFrames(before);
    }
}
