using System.Diagnostics;
using Lookout.Capture;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Overlay;

public sealed class FfmpegVideoSinkTests
{
    private const string SkipReason = "ffmpeg and ffprobe are needed for H.264 recording: run eng/install-deps.sh";

    [SkippableFact]
    public void Complete_TwelveFrames_PlayableH264FileUnderFinalName()
    {
        Skip.IfNot(Probe.Available, SkipReason);
        using var dir = new TempDir();
        var path = dir.File("rec.mp4");
        using (var sink = new FfmpegVideoSink(path, 10))
        {
            for (var i = 0; i < 12; i++)
            {
                using var frame = MakeFrame(i);
                sink.Write(frame);
            }

            Assert.False(File.Exists(path));
            sink.Complete();
        }

        Assert.Equal(["rec.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal("h264,320,240,12", Probe.Describe(path));
    }

    [SkippableFact]
    public void Dispose_WithoutComplete_LeavesNothingAndEndsFfmpeg()
    {
        Skip.IfNot(Probe.Available, SkipReason);
        using var dir = new TempDir();
        using (var sink = new FfmpegVideoSink(dir.File("rec.mp4"), 10))
        {
            using var frame = MakeFrame(0);
            sink.Write(frame);
        }

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [SkippableFact]
    public void Complete_Mp4vThroughFfmpeg_PlayableMpeg4FileUnderFinalName()
    {
        Skip.IfNot(Probe.Available, SkipReason);
        using var dir = new TempDir();
        var path = dir.File("rec.mp4");
        using (var sink = new FfmpegVideoSink(path, 10, "mp4v"))
        {
            for (var i = 0; i < 7; i++)
            {
                using var frame = MakeFrame(i);
                sink.Write(frame);
            }

            sink.Complete();
        }

        Assert.Equal(["rec.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal("mpeg4,320,240,7", Probe.Describe(path));
    }

    [Fact]
    public void Create_CodecAndEncoder_ChoosesTheWriter()
    {
        using var dir = new TempDir();
        using var h264 = VideoSinks.Create(dir.File("a.mp4"), 10, "h264", "opencv");
        using var openCv = VideoSinks.Create(dir.File("b.mp4"), 10, "mp4v", "opencv");
        using var ffmpeg = VideoSinks.Create(dir.File("c.mp4"), 10, "mp4v", "ffmpeg");
        using var auto = VideoSinks.Create(dir.File("d.mp4"), 10, "mp4v", "auto");
        using var mjpg = VideoSinks.Create(dir.File("e.avi"), 10, "MJPG", "ffmpeg");

        Assert.IsType<FfmpegVideoSink>(h264);
        Assert.IsType<VideoFileSink>(openCv);
        Assert.IsType<FfmpegVideoSink>(ffmpeg);
        Assert.Equal(VideoSinks.FfmpegAvailable, auto is FfmpegVideoSink);
        Assert.IsType<VideoFileSink>(mjpg);
    }

    [Fact]
    public void Write_FfmpegMissing_ThrowsSayingHowToInstallAndLeavesNothing()
    {
        using var dir = new TempDir();
        using var frame = MakeFrame(0);
        using (var sink = new FfmpegVideoSink(dir.File("rec.mp4"), 10, "mp4v", "/nonexistent-lookout/ffmpeg"))
        {
            var error = Assert.Throws<OutputException>(() => sink.Write(frame));

            Assert.Contains("rec.mp4", error.Message);
            Assert.Contains("apt-get install ffmpeg", error.Message);
        }

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Constructor_UnknownCodec_ThrowsNamingIt()
    {
        using var dir = new TempDir();

        var error = Assert.Throws<OutputException>(() => new FfmpegVideoSink(dir.File("a.mp4"), 10, "vp9"));

        Assert.Contains("vp9", error.Message);
    }

    private static DetectedFrame MakeFrame(int index)
    {
        var mat = new Mat(240, 320, MatType.CV_8UC3, new Scalar(40, 40, 40));
        Cv2.Rectangle(mat, new Rect(10 + (index * 10), 60, 60, 60), new Scalar(0, 0, 255), -1);
        return new DetectedFrame(new Frame(mat, index, TimeSpan.FromMilliseconds(index * 100), "test"), [], default);
    }

    private static class Probe
    {
        public static bool Available { get; } = Run("ffprobe", "-version") is not null && Run("ffmpeg", "-version") is not null;

        /// <summary>codec, width, height, decoded frame count.</summary>
        public static string? Describe(string path) =>
            Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", path)?.Trim();

        private static string? Run(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            try
            {
                using var p = Process.Start(info)!;
                var output = p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                return p.ExitCode == 0 ? output : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }
    }
}
