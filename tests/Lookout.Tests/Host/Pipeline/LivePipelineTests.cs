using Lookout.Capture;
using Lookout.Host.Pipeline;
using Lookout.Overlay;
using Lookout.Tests.Support;

namespace Lookout.Tests.Host.Pipeline;

public sealed class LivePipelineTests
{
    [Fact]
    public async Task RunAsync_LiveSourceFasterThanDetector_LatencyStaysBoundedAndDropsAreCounted()
    {
        // 80 frames at 25 fps (one every 40 ms) into a detector that needs 120 ms per frame.
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 80, fps: 25);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path, realtime: true);
        var sink = new RecordingSink();
        var pipeline = new LivePipeline(source, TestDetectors.Slow(TimeSpan.FromMilliseconds(120)), [sink], new OverlayOptions());

        await pipeline.RunAsync(CancellationToken.None);

        // Every captured frame was either processed or dropped (and disposed), and drops are reported on the frames.
        Assert.True(source.Info.IsLive);
        Assert.Equal(80, sink.Indices.Count + pipeline.Drops.Total);
        Assert.True(pipeline.Drops.Total > 20, $"only {pipeline.Drops.Total} drops");
        Assert.Equal(pipeline.Drops.Total, sink.Dropped.Sum());
        Assert.Equal(sink.Indices.Order(), sink.Indices);

        // A queue would make the last frames wait for all earlier ones (~6 s here); the gate keeps each
        // frame's wait near one inference plus one frame interval. The bound is loose for a loaded machine.
        Assert.True(sink.LatencyMs.Max() < 1500, $"latency reached {sink.LatencyMs.Max():0} ms");
        FrameAssert.NoLiveFrames(before);
    }

    [Fact]
    public async Task RunAsync_SameDetectorOnFileSource_LosesNoFrameAndKeepsOrder()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 30, fps: 25);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path);
        var sink = new RecordingSink();
        var pipeline = new FilePipeline(source, TestDetectors.Slow(TimeSpan.FromMilliseconds(120)), [sink], new OverlayOptions(), queueCapacity: 2);

        await pipeline.RunAsync(CancellationToken.None);

        Assert.False(source.Info.IsLive);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), sink.Indices);
        Assert.All(sink.Dropped, d => Assert.Equal(0, d));
        FrameAssert.NoLiveFrames(before);
    }

    [Fact]
    public async Task RunAsync_StoppedMidStream_DrainsAndLeaksNothing()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 20, fps: 25);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path, realtime: true, loop: true);
        using var stop = new CancellationTokenSource();
        var sink = new RecordingSink { OnWrite = i => { if (i >= 45) { stop.Cancel(); } } };
        var pipeline = new LivePipeline(source, TestDetectors.Slow(TimeSpan.FromMilliseconds(5)), [sink], new OverlayOptions());

        var stats = await pipeline.RunAsync(stop.Token);

        // Looping ran past the 20-frame file; the stop ended the run with every frame disposed.
        Assert.True(sink.Indices[^1] >= 45);
        Assert.Equal(sink.Indices.Count, stats.Frames);
        FrameAssert.NoLiveFrames(before);
    }
}
