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

    [Fact]
    public void Create_H264Codec_ChoosesFfmpegElseOpenCv()
    {
        using var dir = new TempDir();
        using var h264 = VideoSinks.Create(dir.File("a.mp4"), 10, "h264");
        using var mp4v = VideoSinks.Create(dir.File("b.mp4"), 10, "mp4v");

        Assert.IsType<FfmpegVideoSink>(h264);
        Assert.IsType<VideoFileSink>(mp4v);
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
