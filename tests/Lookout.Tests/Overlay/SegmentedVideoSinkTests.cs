using Lookout.Capture;
using Lookout.Detection;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Overlay;

public sealed class SegmentedVideoSinkTests
{
    [Fact]
    public void Write_ClockPassesSegmentLength_RollsOverToPlayableFilesNamedByStartTime()
    {
        using var dir = new TempDir();
        var start = new DateTimeOffset(2026, 11, 28, 21, 0, 0, TimeSpan.Zero);
        var now = start;
        using (var sink = new SegmentedVideoSink(dir.File("cam.mp4"), 10, "mp4v", TimeSpan.FromSeconds(3), clock: () => now))
        {
            for (var i = 0; i < 10; i++)
            {
                using var frame = MakeFrame(i);
                sink.Write(frame);
                now += TimeSpan.FromSeconds(1);
            }

            // Three segments are done and renamed while the fourth is still being written.
            Assert.Equal(3, sink.Completed.Count);
            Assert.All(sink.Completed, p => Assert.True(File.Exists(p)));
            sink.Complete();
            Assert.Equal(4, sink.Completed.Count);
        }

        var files = Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(4, files.Length);
        Assert.Equal(Stamp(start), Path.GetFileName(files[0]));
        Assert.Equal(Stamp(start.AddSeconds(3)), Path.GetFileName(files[1]));
        Assert.Equal([3, 3, 3, 1], files.Select(FrameCount));
    }

    [Fact]
    public void Dispose_WithoutComplete_LeavesOnlyFinishedSegments()
    {
        using var dir = new TempDir();
        var now = DateTimeOffset.Now;
        using (var sink = new SegmentedVideoSink(dir.File("cam.mp4"), 10, "mp4v", TimeSpan.FromSeconds(2), clock: () => now))
        {
            for (var i = 0; i < 3; i++)
            {
                using var frame = MakeFrame(i);
                sink.Write(frame);
                now += TimeSpan.FromSeconds(1);
            }
        }

        // The first segment was finished; the abandoned second leaves nothing behind.
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Constructor_MissingFolder_ErrorNamesIt()
    {
        var error = Assert.Throws<OutputException>(() => new SegmentedVideoSink("/nonexistent-lookout/cam.mp4", 10, "mp4v", TimeSpan.FromMinutes(1)));

        Assert.Contains("/nonexistent-lookout", error.Message);
    }

    private static string Stamp(DateTimeOffset t) => $"cam-{t.ToLocalTime():yyyyMMdd-HHmmss}.mp4";

    private static int FrameCount(string path)
    {
        using var capture = new VideoCapture(path);
        return (int)capture.FrameCount;
    }

    private static DetectedFrame MakeFrame(int index) =>
        new(new Frame(new Mat(120, 160, MatType.CV_8UC3, new Scalar(index * 20, 80, 80)), index, TimeSpan.FromMilliseconds(index * 100), "test"), [], default);
}
