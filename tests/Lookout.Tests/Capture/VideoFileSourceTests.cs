using System.Reactive.Linq;
using Lookout.Capture;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Capture;

public sealed class VideoFileSourceTests
{
    [Fact]
    public async Task Frames_SmallVideo_EmitsEveryFrameInOrderAndReturnsBuffers()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 12);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path);

        var indices = new List<long>();
        await source.Frames().Do(f =>
        {
            indices.Add(f.Index);
            Assert.Equal(160, f.Width);
            Assert.Equal(120, f.Height);
            f.Dispose();
        }).LastOrDefaultAsync();

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), indices);
        Assert.Equal(12, source.Info.FrameCount);
        Assert.Equal(10, source.Info.Fps, 3);
        FrameAssert.NoLiveFrames(before);
    }

    [Fact]
    public async Task Frames_MaxFrames_StopsEarly()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 12);
        using var source = VideoFileSource.Open(path, maxFrames: 5);

        var count = await source.Frames().Do(f => f.Dispose()).Count();

        Assert.Equal(5, count);
        Assert.Equal(5, source.Info.FrameCount);
    }

    [Fact]
    public async Task Frames_StopToken_CompletesGracefully()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 50);
        using var source = VideoFileSource.Open(path);
        using var stop = new CancellationTokenSource();

        var count = await source.Frames(stop.Token).Do(f =>
        {
            if (f.Index == 9)
            {
                stop.Cancel();
            }

            f.Dispose();
        }).Count();

        Assert.Equal(10, count);
    }

    [Fact]
    public void Open_MissingFile_ThrowsNamingIt()
    {
        var e = Assert.Throws<SourceException>(() => VideoFileSource.Open("/nonexistent/missing.mp4"));
        Assert.Contains("missing.mp4", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Open_TextFile_ThrowsNotAVideo()
    {
        using var dir = new TempDir();
        var path = dir.File("notes.mp4");
        File.WriteAllText(path, "this is not a video, just some text that happens to end in .mp4\n");

        var e = Assert.Throws<SourceException>(() => VideoFileSource.Open(path));

        Assert.Contains("notes.mp4", e.Message);
    }

    [Fact]
    public void Open_ZeroFrameVideo_ThrowsNoFrames()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.avi");
        using (var writer = new VideoWriter(path, FourCC.MJPG, 10, new Size(64, 48)))
        {
            Assert.True(writer.IsOpened());
        }

        var e = Assert.Throws<SourceException>(() => VideoFileSource.Open(path));

        Assert.Contains("empty.avi", e.Message);
    }
}
