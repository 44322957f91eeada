using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Host;

public sealed class StreamSegmentTests
{
    [Fact]
    public async Task Stream_RecordingWithSegment_RollsOverToPlayableFilesHoldingEveryFrame()
    {
        using var dir = new TempDir();
        var clip = TestVideos.Write(dir.File("clip.avi"), 60, fps: 25);
        var model = Path.Combine(RepoPaths.Root, "models", "lookout-yolo-shapes.onnx");

        // 60 frames played at 25 fps take 2.4 s; a new file every 0.6 s.
        var (code, error) = await CliRunner.RunRawAsync(
            "stream", clip, "--model", model, "--device", "cpu", "--segment", "0.01", "-o", dir.File("rec.mp4"), "--detections", dir.File("rec.jsonl"));

        Assert.True(code == 0, error);
        var segments = Directory.GetFiles(dir.Path, "rec-*.mp4").Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 2, $"{segments.Length} segments: {error}");
        var frames = segments.Sum(path =>
        {
            using var capture = new VideoCapture(path);
            return (int)capture.FrameCount;
        });
        Assert.Equal(File.ReadAllLines(dir.File("rec.jsonl")).Length, frames);
    }

    [Fact]
    public async Task Stream_FileNotRealtime_EveryFrameIsEitherOutputOrCountedDropped()
    {
        using var dir = new TempDir();
        var clip = TestVideos.Write(dir.File("clip.avi"), 120, fps: 5);
        var model = Path.Combine(RepoPaths.Root, "models", "lookout-yolo-shapes.onnx");

        // At 5 fps this clip would play for 24 s; read as fast as it decodes it takes a moment, through the live gate.
        var (code, error) = await CliRunner.RunRawAsync(
            "stream", clip, "--model", model, "--device", "cpu", "--realtime", "false", "--metrics-interval", "0", "--detections", dir.File("out.jsonl"));

        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(dir.File("out.jsonl"));
        var dropped = System.Text.RegularExpressions.Regex.Match(error, @"dropped: (\d+) stale frames");
        Assert.True(dropped.Success, error);
        Assert.Equal(120, lines.Length + int.Parse(dropped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        var frames = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("frame").GetInt64()).ToArray();
        Assert.Equal(frames.Order(), frames);
    }
}
