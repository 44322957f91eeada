using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary>OpenCV DNN as a peer engine: the same model, preprocessing and decoder as ONNX Runtime, and the same detections.</summary>
public sealed class OpenCvDnnDetectorTests
{
    [SkippableTheory]
    [InlineData("yolox-nano", "scenes", "scene-0.jpg")]
    [InlineData("yolox-nano", "scenes", "scene-2.jpg")]
    [InlineData("ultraface-rfb-320", "faces", "face-1.jpg")]
    public void Detect_SharedModelOnPhoto_AgreesWithOnnxRuntime(string model, string folder, string image)
    {
        using OnnxDetector onnx = OnnxDetector.Open(new DetectorOptions
        {
            ModelPath = SharedAssets.Model(model + ".onnx"),
            CardPath = SharedAssets.Card(model + ".json"),
            Device = ExecutionDevice.Cpu,
            IntraOpThreads = 2,
        });
        using OpenCvDnnDetector dnn = OpenCvDnnDetector.Open(onnx);
        using Mat bgr = Cv2.ImRead(SharedAssets.Media(folder, image));

        Detection[] expected = onnx.Detect(bgr);
        Detection[] actual = dnn.Detect(bgr, out DetectionTimings timings);

        Assert.NotEmpty(expected);
        DetectionAgreement agreement = DetectionAgreement.Compare(expected, actual, onnx.ScoreThreshold);
        Assert.True(agreement.Agrees, $"{model} on {image}: {agreement}");
        Assert.True(timings.InferenceMs > 0);
    }

    [Fact]
    public void Detect_BundledYoloModel_AgreesWithOnnxRuntime()
    {
        using OnnxDetector onnx = OnnxDetector.Open(new DetectorOptions
        {
            ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"),
            Device = ExecutionDevice.Cpu,
            IntraOpThreads = 2,
        });
        using Mat frame = RepoAssets.SampleFrame();
        using OpenCvDnnDetector dnn = OpenCvDnnDetector.Open(onnx, frame.Size());

        Detection[] expected = onnx.Detect(frame);
        Detection[] actual = dnn.Detect(frame, out _);

        Assert.NotEmpty(expected);
        DetectionAgreement agreement = DetectionAgreement.Compare(expected, actual, onnx.ScoreThreshold);
        Assert.True(agreement.Agrees, agreement.ToString());
    }

    [Fact]
    public void Detect_SourceFittedToAnotherInputSize_ThrowsNamingBothSizes()
    {
        using OnnxDetector onnx = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"), Device = ExecutionDevice.Cpu });
        using OpenCvDnnDetector dnn = OpenCvDnnDetector.Open(onnx, new Size(1280, 720));
        using var square = new Mat(512, 512, MatType.CV_8UC3, Scalar.All(90));

        ArgumentException error = Assert.Throws<ArgumentException>(() => dnn.Detect(square, out _));
        Assert.Contains("576x320", error.Message);
        Assert.Contains("416x416", error.Message);
    }

    [Fact]
    public void Open_FileOpenCvCannotParse_ThrowsModelExceptionNamingIt()
    {
        // ONNX Runtime has the model in memory once opened; the file is then replaced by bytes no parser accepts.
        using var dir = new TempDirectory();
        string model = Path.Combine(dir.Path, "broken.onnx");
        File.Copy(RepoAssets.Model("lookout-yolo-shapes.onnx"), model);
        File.Copy(RepoAssets.Model("lookout-yolo-shapes.json"), Path.ChangeExtension(model, ".json"));
        using OnnxDetector onnx = OnnxDetector.Open(new DetectorOptions { ModelPath = model, Device = ExecutionDevice.Cpu });
        File.WriteAllBytes(model, [1, 2, 3]);

        ModelException error = Assert.Throws<ModelException>(() => OpenCvDnnDetector.Open(onnx));
        Assert.Contains("broken.onnx", error.Message);
        Assert.Contains("OpenCV DNN", error.Message);
    }
}
