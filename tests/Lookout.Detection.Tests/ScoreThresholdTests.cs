using OpenCvSharp;

namespace Lookout.Detection.Tests;

public sealed class ScoreThresholdTests
{
    [Fact]
    public void ScoreThreshold_ChangedBetweenFrames_NextFrameKeepsOnlyScoresAboveIt()
    {
        using OnnxDetector detector = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"), Device = ExecutionDevice.Cpu });
        using Mat frame = RepoAssets.SampleFrame();
        Assert.Equal(detector.Card.ScoreThreshold, detector.ScoreThreshold);

        detector.ScoreThreshold = 0.05f;
        Detection[] low = detector.Detect(frame);
        detector.ScoreThreshold = 0.6f;
        Detection[] high = detector.Detect(frame);

        Assert.True(low.Length > high.Length, $"{low.Length} detections above 0.05, {high.Length} above 0.6");
        Assert.All(low, d => Assert.True(d.Score > 0.05f));
        Assert.All(high, d => Assert.True(d.Score > 0.6f));
        // The boxes above 0.6 are the ones that were already there above 0.05: the threshold only filters.
        Assert.Equal(low.Count(d => d.Score > 0.6f), high.Length);
    }

    [Fact]
    public async Task ScoreThreshold_SetFromAnotherThread_UsedByTheNextFrame()
    {
        using OnnxDetector detector = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"), Device = ExecutionDevice.Cpu });
        using Mat frame = RepoAssets.SampleFrame();

        Assert.Contains(detector.Detect(frame), d => d.Score <= 0.99f); // so the change has something to drop

        await Task.Run(() => detector.ScoreThreshold = 0.99f);
        Detection[] none = detector.Detect(frame);

        Assert.All(none, d => Assert.True(d.Score > 0.99f));
        Assert.Equal(0.99f, detector.ScoreThreshold);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void ScoreThreshold_OutsideZeroToOne_ThrowsAndKeepsTheOldValue(float value)
    {
        using OnnxDetector detector = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"), Device = ExecutionDevice.Cpu });
        float before = detector.ScoreThreshold;

        Assert.Throws<ArgumentOutOfRangeException>(() => detector.ScoreThreshold = value);
        Assert.Equal(before, detector.ScoreThreshold);
    }
}
