using Lookout.Capture;
using Lookout.Detection;
using Lookout.Host.Pipeline;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Host.Pipeline;

public sealed class FilePipelineTests
{
    [Fact]
    public async Task RunAsync_SlowDetector_ProcessesEveryFrameInOrder()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 40);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path);
        var sink = new RecordingSink();
        var pipeline = new FilePipeline(source, TestDetectors.Slow(TimeSpan.FromMilliseconds(5)), [sink], new OverlayOptions(), queueCapacity: 2);

        var stats = await pipeline.RunAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), sink.Indices);
        Assert.Equal(40, stats.Frames);
        Assert.Equal(40, stats.Detections);
        FrameAssert.NoLiveFrames(before);
    }

    [Fact]
    public async Task RunAsync_Stopped_DrainsWhatWasReadAndEndsCleanly()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 200);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path);
        using var stop = new CancellationTokenSource();
        var sink = new RecordingSink { OnWrite = i => { if (i == 5) { stop.Cancel(); } } };
        var pipeline = new FilePipeline(source, TestDetectors.Slow(TimeSpan.FromMilliseconds(2)), [sink], new OverlayOptions(), queueCapacity: 2);

        var stats = await pipeline.RunAsync(stop.Token);

        // Frames already in the queues when the stop came are still written, in order, and nothing leaks.
        Assert.InRange(stats.Frames, 6, 199);
        Assert.Equal(Enumerable.Range(0, (int)stats.Frames).Select(i => (long)i), sink.Indices);
        FrameAssert.NoLiveFrames(before);
    }

    [Fact]
    public async Task RunAsync_DetectorFails_FaultsWithItsErrorAndLeaksNoFrame()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 60);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path);
        var calls = 0;
        DetectFunc failing = (Mat image, out DetectionTimings timings) =>
        {
            timings = default;
            return ++calls == 10 ? throw new InvalidDataException("inference failed") : [];
        };
        var pipeline = new FilePipeline(source, failing, [new RecordingSink()], new OverlayOptions(), queueCapacity: 2);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => pipeline.RunAsync(CancellationToken.None));

        Assert.Equal("inference failed", error.Message);
        FrameAssert.NoLiveFrames(before);
    }

    [Fact]
    public async Task RunAsync_SinkFails_FaultsWithItsErrorAndLeaksNoFrame()
    {
        using var dir = new TempDir();
        var path = TestVideos.Write(dir.File("clip.avi"), 60);
        var before = Frame.LiveCount;
        using var source = VideoFileSource.Open(path);
        var sink = new RecordingSink { OnWrite = i => { if (i == 7) { throw new OutputException("disk full"); } } };
        var pipeline = new FilePipeline(source, TestDetectors.Slow(TimeSpan.Zero), [sink], new OverlayOptions(), queueCapacity: 2);

        await Assert.ThrowsAsync<OutputException>(() => pipeline.RunAsync(CancellationToken.None));

        FrameAssert.NoLiveFrames(before);
    }

    [Theory]
    [InlineData(768, 576, 16)]
    [InlineData(1920, 1080, 10)]
    [InlineData(3840, 2160, 4)]
    [InlineData(0, 0, 16)]
    public void AutoQueueCapacity_FrameSize_SixteenFramesWithinSixtyFourMebibytes(int width, int height, int expected)
    {
        var info = new SourceInfo("clip.mp4", width, height, 25, 100, IsLive: false);

        Assert.Equal(expected, FilePipeline.AutoQueueCapacity(info));
    }
}
