using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary>
/// A real Ultralytics YOLOv8n export opened with no card: layout, labels and input size come from its metadata.
/// </summary>
public sealed class Yolov8ReferenceTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private const string ModelName = "yolov8n-int8";

    [SkippableTheory]
    [InlineData("scene-0")]
    [InlineData("scene-1")]
    [InlineData("scene-2")]
    [InlineData("scene-3")]
    [InlineData("scene-4")]
    public void Detect_ScenePhotoWithoutCard_MatchesReference(string image)
    {
        OnnxDetector detector = Open();
        using Mat bgr = Cv2.ImRead(SharedAssets.Media("scenes", image + ".jpg"));
        ReferenceDetection[] reference = ReferenceDetection.Load(SharedAssets.Media("reference", $"{ModelName}.{image}.json"));

        Detection[] ours = RelabelAsCocoNames(detector.Detect(bgr, out _));

        Assert.NotEmpty(reference);
        ReferenceDetection.AssertAgree(reference, ours, detector.ScoreThreshold, $"{ModelName} on {image}");
    }

    [SkippableFact]
    public void Open_UltralyticsExportWithoutCard_InfersLayoutFromMetadata()
    {
        OnnxDetector detector = Open();

        Assert.Null(detector.Card.SourcePath);
        Assert.Equal(ModelLayout.Yolov8, detector.Layout);
        Assert.Equal(640, detector.InputWidth);
        Assert.Equal(640, detector.InputHeight);
        Assert.Equal(80, detector.Labels.Count);
        Assert.Equal("person", detector.Labels[0]);
        Assert.Equal("toothbrush", detector.Labels[79]);
        Assert.Equal("CPU", detector.ExecutionProvider);
    }

    // The reference was labelled through shared/models/coco.names, which spells a few COCO classes the Darknet
    // way (sofa, tvmonitor) where the model's own metadata says couch, tv; compare by class index instead.
    private static Detection[] RelabelAsCocoNames(Detection[] detections)
    {
        string[] cocoNames = File.ReadAllLines(SharedAssets.Model("coco.names"));
        var result = new Detection[detections.Length];
        for (int i = 0; i < detections.Length; i++)
        {
            result[i] = detections[i] with { Label = cocoNames[detections[i].ClassId].Trim() };
        }

        return result;
    }

    private OnnxDetector Open() => fixture.Get(() => new DetectorOptions
    {
        ModelPath = SharedAssets.Model(ModelName + ".onnx"),
        ScoreThreshold = 0.3f,
        IouThreshold = 0.45f,
        Device = ExecutionDevice.Cpu,
        IntraOpThreads = 2,
    });
}
