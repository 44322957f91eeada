using System.Net;
using System.Net.Sockets;
using Lookout.Capture;
using Lookout.Capture.Rtsp;
using Lookout.Host.Pipeline;
using Lookout.Overlay;
using Lookout.Tests.Support;

namespace Lookout.Tests.Capture.Rtsp;

/// <summary>
/// The RTSP source against a real loopback server (GstRtspServer), and against addresses where no
/// server answers. Timeouts are generous: the first frame takes seconds on a loaded machine.
/// </summary>
public sealed class RtspSourceTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task Open_LoopbackServer_ProbesTheStreamAndReadsFrames()
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);
        using var server = RtspTestServer.Start(width: 160, height: 120, fps: 10);
        var before = Frame.LiveCount;
        var logger = new ListLogger();
        var url = server.Url("viewer:s3cret");

        using (var source = RtspSource.Open(new RtspSourceOptions { Url = url, MaxFrames = 15 }, logger))
        {
            Assert.Equal(160, source.Info.Width);
            Assert.Equal(120, source.Info.Height);
            Assert.Equal(10, source.Info.Fps, 1);
            Assert.True(source.Info.IsLive);
            Assert.Equal($"rtsp://viewer:***@127.0.0.1:{server.Port}/test", source.Info.Name);

            var frames = new List<(long Index, string Source, int Width, int Height, double Mean)>();
            await ReadAllAsync(source, f => frames.Add((f.Index, f.Source, f.Width, f.Height, OpenCvSharp.Cv2.Mean(f.Image).Val0)));

            Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), frames.Select(f => f.Index));
            Assert.All(frames, f => Assert.Equal((source.Info.Name, 160, 120), (f.Source, f.Width, f.Height)));
            Assert.Contains(frames, f => f.Mean > 1);
        }

        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("s3cret", StringComparison.Ordinal));
        FrameAssert.NoLiveFrames(before);
        ChildProcesses.AssertNone("ffmpeg");
    }

    [SkippableFact]
    public async Task LivePipeline_ServerKilledMidStreamAndRestarted_FramesResumeAndTheReconnectIsLoggedOnce()
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);
        using var server = RtspTestServer.Start(width: 160, height: 120, fps: 10);
        var before = Frame.LiveCount;
        var logger = new ListLogger();
        var options = new RtspSourceOptions
        {
            Url = server.Url("viewer:s3cret"),
            StallTimeout = TimeSpan.FromSeconds(10),
            Reconnect = new ReconnectPolicy(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)),
        };
        using var source = RtspSource.Open(options, logger);
        using var stop = new CancellationTokenSource();
        var written = 0L;
        var sink = new RecordingSink { OnWrite = _ => Interlocked.Increment(ref written) };
        var pipeline = new LivePipeline(source, TestDetectors.Slow(TimeSpan.FromMilliseconds(5)), [sink], new OverlayOptions());
        var run = Task.Run(() => pipeline.RunAsync(stop.Token));
        try
        {
            Assert.True(WaitUntil(() => Interlocked.Read(ref written) >= 10 || run.IsCompleted), "no frames before the kill");
            server.Kill();
            Thread.Sleep(TimeSpan.FromSeconds(1));
            server.Restart();
            var atRestart = Interlocked.Read(ref written);
            Assert.True(WaitUntil(() => Interlocked.Read(ref written) >= atRestart + 10 || run.IsCompleted), "frames did not resume after the restart");
            Assert.False(run.IsCompleted, "the pipeline ended instead of reconnecting");
        }
        finally
        {
            stop.Cancel();
        }

        await run.WaitAsync(s_patience);

        // One outage: one loss line with its reason, one recovery line with the attempt count.
        Assert.Equal(1, logger.Count("stream lost ("));
        Assert.Equal(1, logger.Count("stream back after"));
        Assert.Equal(1, source.Reconnects);
        Assert.Equal(sink.Indices.Order(), sink.Indices);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("s3cret", StringComparison.Ordinal));
        FrameAssert.NoLiveFrames(before);
        ChildProcesses.AssertNone("ffmpeg");
    }

    [SkippableFact]
    public void Open_UnreachableUrlWithAttemptLimit_FailsWithTheMaskedUrl()
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);
        var url = $"rtsp://viewer:s3cret@127.0.0.1:{ClosedPort()}/cam";
        var logger = new ListLogger();
        var options = new RtspSourceOptions
        {
            Url = url,
            Reconnect = new ReconnectPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), FailAfterAttempts: 3),
        };

        var error = Assert.Throws<SourceException>(() => RtspSource.Open(options, logger));

        Assert.Contains("rtsp://viewer:***@127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempt(s)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, logger.Count("cannot connect ("));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("s3cret", StringComparison.Ordinal));
        ChildProcesses.AssertNone("ffprobe");
    }

    [SkippableFact]
    public async Task Frames_SilentServerWithDurationLimit_StallsThenEndsWithAClearError()
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);

        // Accepts connections and never answers: only the stall watchdog can end each attempt.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var before = Frame.LiveCount;
        var options = new RtspSourceOptions
        {
            Url = $"rtsp://admin:hunter2@127.0.0.1:{port}/live",
            Width = 64,
            Height = 48,
            StallTimeout = TimeSpan.FromSeconds(2),
            Reconnect = new ReconnectPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), FailAfterDuration: TimeSpan.FromSeconds(3)),
        };
        using var source = RtspSource.Open(options);

        var error = await Assert.ThrowsAsync<SourceException>(() => ReadAllAsync(source, _ => { }));

        Assert.Contains($"rtsp://admin:***@127.0.0.1:{port}/live", error.Message, StringComparison.Ordinal);
        Assert.Contains("no frame for 2 s", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        FrameAssert.NoLiveFrames(before);
        ChildProcesses.AssertNone("ffmpeg");
    }

    [SkippableFact]
    public async Task Frames_UnsubscribedWhileConnecting_EndsFfmpeg()
    {
        Skip.If(RtspTestServer.SkipReason is not null, RtspTestServer.SkipReason);
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var source = RtspSource.Open(new RtspSourceOptions { Url = $"rtsp://127.0.0.1:{port}/live", Width = 64, Height = 48 });

        var subscription = source.Frames().Subscribe(f => f.Dispose());
        Assert.True(WaitUntil(() => ChildProcesses.Named("ffmpeg").Count > 0), "ffmpeg did not start");
        await Task.Run(subscription.Dispose).WaitAsync(s_patience);

        ChildProcesses.AssertNone("ffmpeg");
    }

    [Fact]
    public void Open_NotAnRtspUrl_ThrowsNamingIt()
    {
        var error = Assert.Throws<SourceException>(() => RtspSource.Open(new RtspSourceOptions { Url = "http://u:pw@host/x" }));

        Assert.Contains("http://u:***@host/x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FfprobeOutput_ReadsSizeAndRate()
    {
        var result = StreamProbe.Parse("width=1280\nheight=720\navg_frame_rate=0/0\nr_frame_rate=30000/1001\n");

        Assert.NotNull(result);
        Assert.Equal((1280, 720), (result.Value.Width, result.Value.Height));
        Assert.Equal(29.97, result.Value.Fps, 2);
        Assert.Null(StreamProbe.Parse("avg_frame_rate=25/1\n"));
    }

    /// <summary>Reads the source to its end on its own thread, handing each frame to <paramref name="look"/> and disposing it.</summary>
    private static Task ReadAllAsync(IFrameSource source, Action<Frame> look)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = source.Frames().Subscribe(
            f =>
            {
                using (f)
                {
                    look(f);
                }
            },
            e => done.TrySetException(e),
            () => done.TrySetResult());
        return done.Task.WaitAsync(s_patience).ContinueWith(
            t =>
            {
                subscription.Dispose();
                return t;
            },
            TaskScheduler.Default).Unwrap();
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
