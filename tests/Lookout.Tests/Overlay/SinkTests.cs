using System.Text.Json;
using Lookout.Capture;
using Lookout.Detection;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Overlay;

public sealed class SinkTests
{
    [Fact]
    public void VideoFileSink_Completed_WritesPlayableFileUnderFinalName()
    {
        using var dir = new TempDir();
        var path = dir.File("out.mp4");
        using (var sink = new VideoFileSink(path, 10))
        {
            for (var i = 0; i < 5; i++)
            {
                using var frame = MakeFrame(i);
                sink.Write(frame);
                Assert.False(File.Exists(path));
            }

            sink.Complete();
        }

        Assert.True(File.Exists(path));
        Assert.Single(Directory.GetFiles(dir.Path));
        using var capture = new VideoCapture(path);
        Assert.True(capture.IsOpened());
        Assert.Equal(5, (int)capture.FrameCount);
    }

    [Fact]
    public void VideoFileSink_DisposedWithoutComplete_LeavesNothing()
    {
        using var dir = new TempDir();
        var path = dir.File("out.mp4");
        using (var sink = new VideoFileSink(path, 10))
        {
            using var frame = MakeFrame(0);
            sink.Write(frame);
        }

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void VideoFileSink_ParentIsAFile_ThrowsNamingPath()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("blocker"), "x");

        var e = Assert.Throws<OutputException>(() => new VideoFileSink(dir.File("blocker/out.mp4"), 10));

        Assert.Contains("out.mp4", e.Message);
    }

    [Fact]
    public void JsonLinesSink_Completed_WritesOneObjectPerFrameInSchema()
    {
        using var dir = new TempDir();
        var path = dir.File("d.jsonl");
        using (var sink = new JsonLinesSink(path))
        {
            using var frame = MakeFrame(7, [new Detection.Detection(2, "car", 0.87654f, new BoxF(1.234f, 2, 30.5f, 40))]);
            sink.Write(frame);
            using var empty = MakeFrame(8);
            sink.Write(empty);
            Assert.False(File.Exists(path));
            sink.Complete();
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        var root = doc.RootElement;
        Assert.Equal(7, root.GetProperty("frame").GetInt64());
        Assert.Equal(700, root.GetProperty("timestamp_ms").GetDouble(), 3);
        Assert.Equal("test.avi", root.GetProperty("source").GetString());
        Assert.Equal(64, root.GetProperty("width").GetInt32());
        Assert.Equal(48, root.GetProperty("height").GetInt32());
        var det = root.GetProperty("detections")[0];
        Assert.Equal("car", det.GetProperty("label").GetString());
        Assert.Equal(2, det.GetProperty("class_id").GetInt32());
        Assert.Equal(0.8765, det.GetProperty("score").GetDouble(), 4);
        Assert.Equal([1.23, 2, 30.5, 40], det.GetProperty("box").EnumerateArray().Select(e => e.GetDouble()));
        Assert.False(root.TryGetProperty("dropped", out _));
        Assert.Equal(0, JsonDocument.Parse(lines[1]).RootElement.GetProperty("detections").GetArrayLength());
    }

    private static DetectedFrame MakeFrame(int index, Detection.Detection[]? detections = null)
    {
        var mat = new Mat(48, 64, MatType.CV_8UC3, new Scalar(index * 10, 50, 100));
        return new DetectedFrame(new Frame(mat, index, TimeSpan.FromMilliseconds(index * 100), "test.avi"), detections ?? [], default);
    }
}
