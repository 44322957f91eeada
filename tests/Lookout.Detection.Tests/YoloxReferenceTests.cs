using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary>YOLOX-nano (raw grid, BGR, top-left letterbox) against the reference outputs; labels come from coco.names beside the model.</summary>
public sealed class YoloxReferenceTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private const string ModelName = "yolox-nano";

    [SkippableTheory]
    [InlineData("scene-0")]
    [InlineData("scene-1")]
    [InlineData("scene-2")]
    [InlineData("scene-3")]
    [InlineData("scene-4")]
    public void Detect_ScenePhoto_MatchesReference(string image)
    {
        OnnxDetector detector = fixture.Get(() => new DetectorOptions
        {
            ModelPath = SharedAssets.Model(ModelName + ".onnx"),
            CardPath = SharedAssets.Card(ModelName + ".json"),
            Device = ExecutionDevice.Cpu,
            IntraOpThreads = 2,
        });
        using Mat bgr = Cv2.ImRead(SharedAssets.Media("scenes", image + ".jpg"));
        ReferenceDetection[] reference = ReferenceDetection.Load(SharedAssets.Media("reference", $"{ModelName}.{image}.json"));

        Detection[] ours = detector.Detect(bgr, out _);

        Assert.Equal(80, detector.Labels.Count);
        Assert.NotEmpty(reference);
        ReferenceDetection.AssertAgree(reference, ours, detector.ScoreThreshold, $"{ModelName} on {image}");
    }
}
