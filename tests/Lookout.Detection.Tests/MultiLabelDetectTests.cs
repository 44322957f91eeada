using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary><see cref="DetectorOptions.MultiLabel"/> on the bundled networks, one of each output layout.</summary>
public sealed class MultiLabelDetectTests
{
    [Theory]
    [InlineData("lookout-yolo-shapes.onnx")]
    [InlineData("lookout-ssd-shapes.onnx")]
    public void Detect_MultiLabel_NamesSomeBoxesSeveralTimesWhereSingleLabelNamesEachOnce(string model)
    {
        using OnnxDetector single = Open(model, multiLabel: false);
        using OnnxDetector multi = Open(model, multiLabel: true);
        using Mat frame = RepoAssets.SampleFrame();

        Detection[] one = single.Detect(frame);
        Detection[] several = multi.Detect(frame);

        Assert.NotEmpty(one);
        Assert.All(one.GroupBy(d => d.Box), box => Assert.Single(box));
        Assert.Contains(several.GroupBy(d => d.Box), box => box.Select(d => d.ClassId).Distinct().Count() > 1);
        Assert.True(several.Length > one.Length, $"{several.Length} multi-label against {one.Length} single-label detections");

        // Each anchor's best class is still proposed: the strongest detection is the same.
        Assert.Equal(one[0], several[0]);
    }

    private static OnnxDetector Open(string model, bool multiLabel) => OnnxDetector.Open(new DetectorOptions
    {
        ModelPath = RepoAssets.Model(model),
        ScoreThreshold = 0.1f,
        MultiLabel = multiLabel,
        Device = ExecutionDevice.Cpu,
        IntraOpThreads = 2,
    });
}
