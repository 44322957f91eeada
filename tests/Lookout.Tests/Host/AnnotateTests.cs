using System.Text.Json;
using Lookout.Capture;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Host;

public sealed class AnnotateTests
{
    [SkippableFact]
    public async Task Annotate_VideoWithYoloxNano_WritesEveryFrameToVideoAndJsonLines()
    {
        Skip.If(SharedAssets.Root is null, SharedAssets.SkipReason);
        using var dir = new TempDir();
        var before = Frame.LiveCount;

        var (code, error) = await CliRunner.RunAsync(
            "annotate", SharedAssets.Path("media", "video", "vtest.avi"), "--model", SharedAssets.Path("models", "yolox-nano.onnx"),
            "--max-frames", "12", "--output", dir.File("v.mp4"), "--detections", dir.File("v.jsonl"), "--device", "cpu");

        Assert.True(code == 0, error);
        Assert.Equal(["v.jsonl", "v.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var lines = File.ReadAllLines(dir.File("v.jsonl"));
        Assert.Equal(12, lines.Length);
        var frames = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(Enumerable.Range(0, 12), frames.Select(f => f.GetProperty("frame").GetInt32()));
        Assert.All(frames, f => Assert.Equal(768, f.GetProperty("width").GetInt32()));
        Assert.Equal(1100, frames[11].GetProperty("timestamp_ms").GetDouble(), 3);

        // vtest.avi is a street: YOLOX finds people in every frame.
        Assert.All(frames, f => Assert.Contains(f.GetProperty("detections").EnumerateArray(), d => d.GetProperty("label").GetString() == "person"));
        using var capture = new VideoCapture(dir.File("v.mp4"));
        Assert.Equal(12, (int)capture.FrameCount);
        Assert.Contains("12 frames", error);
        FrameAssert.NoLiveFrames(before);
    }

    [SkippableFact]
    public async Task Annotate_FolderWithNonImages_SkipsThemAndWritesAnnotatedImages()
    {
        Skip.If(SharedAssets.Root is null, SharedAssets.SkipReason);
        using var dir = new TempDir();
        var input = Directory.CreateDirectory(dir.File("in")).FullName;
        File.Copy(SharedAssets.Path("media", "faces", "face-2.jpg"), Path.Combine(input, "b.jpg"));
        File.Copy(SharedAssets.Path("media", "faces", "face-1.jpg"), Path.Combine(input, "a.jpg"));
        File.WriteAllText(Path.Combine(input, "notes.txt"), "not an image");

        var (code, error) = await CliRunner.RunAsync(
            "annotate", input, "--model", SharedAssets.Path("models", "ultraface-rfb-320.onnx"), "--output", dir.File("out"), "--detections", dir.File("d.jsonl"));

        Assert.True(code == 0, error);
        Assert.Contains("notes.txt", error);
        Assert.Equal(["a.jpg", "b.jpg"], Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var lines = File.ReadAllLines(dir.File("d.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["0:a.jpg", "1:b.jpg"], lines.Select(l => $"{l.GetProperty("frame").GetInt32()}:{l.GetProperty("source").GetString()}"));
        Assert.All(lines, l => Assert.True(l.GetProperty("detections").GetArrayLength() > 0));
        Assert.All(lines, l => Assert.All(l.GetProperty("detections").EnumerateArray(), d => Assert.Equal("face", d.GetProperty("label").GetString())));
    }

    [Fact]
    public async Task Run_NoArguments_AnnotatesBundledSampleWithBundledModelAndFindsTruth()
    {
        var root = RepoPaths.Root;
        var cwd = Environment.CurrentDirectory;
        using var dir = new TempDir();
        Environment.CurrentDirectory = dir.Path;
        try
        {
            // The README's run command: videos/shapes-sample.mp4 through models/lookout-yolo-shapes.onnx, outputs in out/.
            var (code, error) = await CliRunner.RunRawAsync();

            Assert.True(code == 0, error);
            Assert.Contains("lookout-yolo-shapes", error);
            Assert.Contains("250 frames", error);
            var written = dir.File(Path.Combine("out", "shapes-sample.jsonl"));
            Assert.True(File.Exists(dir.File(Path.Combine("out", "shapes-sample.annotated.mp4"))), error);
            Assert.Equal(250, File.ReadLines(written).Count());

            // The bundled network finds real objects of the sample, with the right label, where the truth has them.
            var matched = MatchesWithTruth(written, Path.Combine(root, "videos", "shapes-sample.jsonl"));
            Assert.True(matched >= 50, $"only {matched} detections match the sample's ground truth");
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
    }

    [Fact]
    public async Task Annotate_SampleWithBundledSsd_FindsTheSampleTruth()
    {
        var root = RepoPaths.Root;
        using var dir = new TempDir();

        var (code, error) = await CliRunner.RunAsync(
            "annotate", Path.Combine(root, "videos", "shapes-sample.mp4"), "--model", Path.Combine(root, "models", "lookout-ssd-shapes.onnx"),
            "--detections", dir.File("ssd.jsonl"), "--device", "cpu");

        Assert.True(code == 0, error);
        Assert.Contains("ssd", error);
        var matched = MatchesWithTruth(dir.File("ssd.jsonl"), Path.Combine(root, "videos", "shapes-sample.jsonl"));
        Assert.True(matched >= 50, $"only {matched} detections match the sample's ground truth");
    }

    /// <summary>Detections (JSON lines) whose label and box (IoU ≥ 0.5) match a ground-truth object of the same frame.</summary>
    private static int MatchesWithTruth(string detectionsPath, string truthPath)
    {
        var found = File.ReadAllLines(detectionsPath).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var truth = File.ReadLines(truthPath).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        return found.Zip(truth).Sum(pair => pair.First.GetProperty("detections").EnumerateArray().Count(d =>
            pair.Second.GetProperty("detections").EnumerateArray().Any(t =>
                t.GetProperty("label").GetString() == d.GetProperty("label").GetString() && IoU(Box(t), Box(d)) >= 0.5)));
    }

    private static double[] Box(JsonElement detection) => [.. detection.GetProperty("box").EnumerateArray().Select(v => v.GetDouble())];

    private static double IoU(double[] a, double[] b)
    {
        var iw = Math.Max(0, Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]));
        var ih = Math.Max(0, Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]));
        var inter = iw * ih;
        return inter / (((a[2] - a[0]) * (a[3] - a[1])) + ((b[2] - b[0]) * (b[3] - b[1])) - inter);
    }
}
