using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary>UltraFace (SSD layout, stretch resize) through <see cref="OnnxDetector"/> against the reference outputs.</summary>
public sealed class UltraFaceReferenceTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private const string ModelName = "ultraface-rfb-320";

    [SkippableTheory]
    [InlineData("face-1")]
    [InlineData("face-2")]
    [InlineData("face-13")]
    [InlineData("face-19")]
    [InlineData("face-26")]
    public void Detect_FacePhoto_MatchesReference(string image)
    {
        OnnxDetector detector = fixture.Get(() => new DetectorOptions
        {
            ModelPath = SharedAssets.Model(ModelName + ".onnx"),
            CardPath = SharedAssets.Card(ModelName + ".json"),
            Device = ExecutionDevice.Cpu,
            IntraOpThreads = 2,
        });
        using Mat bgr = Cv2.ImRead(SharedAssets.Media("faces", image + ".jpg"));
        ReferenceDetection[] reference = ReferenceDetection.Load(SharedAssets.Media("reference", $"{ModelName}.{image}.json"));

        Detection[] ours = detector.Detect(bgr, out _);

        Assert.Equal(0.7f, detector.ScoreThreshold);
        Assert.NotEmpty(reference);
        ReferenceDetection.AssertAgree(reference, ours, detector.ScoreThreshold, $"{ModelName} on {image}");
    }
}
