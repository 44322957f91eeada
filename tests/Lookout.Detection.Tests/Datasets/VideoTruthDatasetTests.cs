using Lookout.Detection.Datasets;
using Lookout.Detection.Evaluation;
using OpenCvSharp;

namespace Lookout.Detection.Tests.Datasets;

public sealed class VideoTruthDatasetTests : IDisposable
{
    private const int Frames = 4;

    // Frame k has an object of class k % 2 at a box that moves with k; frame 3's is difficult.
    private static readonly string[] TruthLines =
    [
        .. Enumerable.Range(0, Frames).Select(k =>
            $"{{\"frame\":{k},\"timestamp_ms\":{k * 40},\"source\":\"v.avi\",\"width\":64,\"height\":48,\"detections\":[" +
            $"{{\"label\":\"{(k % 2 == 0 ? "cat" : "dog")}\",\"class_id\":{k % 2},\"score\":1,\"box\":[{4 + k},4,{30 + k},30]{(k == 3 ? ",\"difficult\":true" : "")}}}]}}"),
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Load_VideoAndTruth_OneImagePerFrameWithClassNamesById()
    {
        var video = WriteVideo(Frames);
        var truth = _folder.Write("v.jsonl", string.Join('\n', TruthLines) + "\n");

        var dataset = VideoTruthDataset.Load(video, truth);

        Assert.Equal(video, dataset.VideoPath);
        Assert.Equal(["cat", "dog"], dataset.ClassNames);
        Assert.Equal(Frames, dataset.Images.Count);
        Assert.Equal(new BoxF(6, 4, 32, 30), dataset.Images[2].Objects[0].Box);
        Assert.Equal("dog", dataset.Images[3].Objects[0].Label);
        Assert.True(dataset.Images[3].Objects[0].Difficult);
        Assert.Equal(truth, VideoTruthDataset.DefaultTruthPath(video));
    }

    [Fact]
    public void Evaluate_DetectorAnsweringWithEachFramesTruth_ScoresPerfectFrameByFrame()
    {
        var video = WriteVideo(Frames);
        var dataset = VideoTruthDataset.Load(video, _folder.Write("v.jsonl", string.Join('\n', TruthLines)));
        var seen = new List<int>();

        // The detector tells the frame by its brightness and answers with that frame's truth: frames
        // out of order or off by one would miss.
        var report = DatasetEvaluator.Evaluate(dataset, mat =>
        {
            var k = FrameIndex(mat);
            seen.Add(k);
            var o = dataset.Images[k].Objects[0];
            return [new Detection(o.ClassId, o.Label, 0.9f, o.Box)];
        });

        Assert.Equal([0, 1, 2, 3], seen);
        Assert.Equal(1.0, report.Map50, 12);
        Assert.Equal(1.0, report.Map50To95, 12);
    }

    [Fact]
    public void Load_TruthLongerThanVideo_ThrowsNamingBothCounts()
    {
        var video = WriteVideo(Frames - 1);
        var truth = _folder.Write("v.jsonl", string.Join('\n', TruthLines));

        var e = Assert.Throws<DatasetException>(() => VideoTruthDataset.Load(video, truth));

        Assert.Equal(truth, e.FilePath);
        Assert.Contains("4 frames of truth for 3 frames of video", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedLine_ThrowsNamingTheLine()
    {
        var video = WriteVideo(Frames);
        var truth = _folder.Write("v.jsonl", TruthLines[0] + "\n{\"frame\":1,\"width\":64}\n");

        var e = Assert.Throws<DatasetException>(() => VideoTruthDataset.Load(video, truth));

        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FramesOutOfOrder_ThrowsNamingTheLine()
    {
        var video = WriteVideo(Frames);
        var truth = _folder.Write("v.jsonl", string.Join('\n', TruthLines[0], TruthLines[2], TruthLines[1], TruthLines[3]));

        var e = Assert.Throws<DatasetException>(() => VideoTruthDataset.Load(video, truth));

        Assert.Contains("line 2: frame 2 where frame 1 was expected", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoTruthFile_ThrowsSayingHowToPassIt()
    {
        var video = WriteVideo(Frames);

        var e = Assert.Throws<DatasetException>(() => VideoTruthDataset.Load(video, VideoTruthDataset.DefaultTruthPath(video)));

        Assert.Contains("--truth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAVideo_ThrowsNamingIt()
    {
        var notVideo = _folder.Write("v.avi", "not a video");
        var truth = _folder.Write("v.jsonl", string.Join('\n', TruthLines));

        var e = Assert.Throws<DatasetException>(() => VideoTruthDataset.Load(notVideo, truth));

        Assert.Equal(notVideo, e.FilePath);
    }

    /// <summary>An MJPEG AVI of <paramref name="count"/> 64×48 frames, frame k filled with grey 30 + 50k.</summary>
    private string WriteVideo(int count)
    {
        var path = System.IO.Path.Combine(_folder.Path, "v.avi");
        using (var writer = new VideoWriter(path, FourCC.MJPG, 25, new Size(64, 48)))
        {
            Assert.True(writer.IsOpened(), "the MJPEG writer should open");
            for (var k = 0; k < count; k++)
            {
                using var frame = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(30 + 50 * k));
                writer.Write(frame);
            }
        }

        return path;
    }

    private static int FrameIndex(Mat frame) => (int)Math.Round((Cv2.Mean(frame).Val0 - 30) / 50);
}
