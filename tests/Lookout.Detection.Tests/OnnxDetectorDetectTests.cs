using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary>Behaviour of <see cref="OnnxDetector.Detect(Mat, out DetectionTimings)"/> across calls, on YOLOX-nano.</summary>
public sealed class OnnxDetectorDetectTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    [SkippableFact]
    public void Detect_FramesOfAlternatingSizes_GiveSameResultsAsFirstCall()
    {
        OnnxDetector detector = Open();
        using Mat scene = Cv2.ImRead(SharedAssets.Media("scenes", "scene-3.jpg"));
        using Mat other = Cv2.ImRead(SharedAssets.Media("scenes", "scene-4.jpg"));

        Detection[] first = detector.Detect(scene, out _);
        detector.Detect(other, out _);
        Detection[] again = detector.Detect(scene, out _);

        Assert.NotEmpty(first);
        Assert.Equal(first, again);
        Assert.NotSame(first, again);
    }

    [SkippableFact]
    public void Detect_Results_AreSortedClippedAndInImagePixels()
    {
        OnnxDetector detector = Open();
        using Mat scene = Cv2.ImRead(SharedAssets.Media("scenes", "scene-4.jpg"));

        Detection[] detections = detector.Detect(scene, out DetectionTimings timings);

        Assert.NotEmpty(detections);
        for (int i = 0; i < detections.Length; i++)
        {
            Detection d = detections[i];
            Assert.InRange(d.Box.X1, 0, scene.Width);
            Assert.InRange(d.Box.X2, d.Box.X1, scene.Width);
            Assert.InRange(d.Box.Y1, 0, scene.Height);
            Assert.InRange(d.Box.Y2, d.Box.Y1, scene.Height);
            Assert.True(d.Score > detector.ScoreThreshold);
            Assert.Equal(detector.Labels[d.ClassId], d.Label);
            if (i > 0)
            {
                Assert.True(detections[i - 1].Score >= d.Score);
            }
        }

        Assert.True(timings.InferenceMs > 0);
        Assert.True(timings.PreprocessMs > 0);
        Assert.Equal(timings.PreprocessMs + timings.InferenceMs + timings.PostprocessMs, timings.TotalMs, 9);
    }

    [SkippableFact]
    public void Detect_SteadyState_AllocatesOnlyTheResult()
    {
        OnnxDetector detector = Open();
        using Mat scene = Cv2.ImRead(SharedAssets.Media("scenes", "scene-0.jpg"));
        detector.Detect(scene, out _);
        detector.Detect(scene, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Detection[] result = detector.Detect(scene, out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The result array only (array header plus one Detection each, rounded up generously); no tensors, no wrappers.
        long resultBytes = 32 + (result.Length * 40);
        Assert.True(allocated <= resultBytes, $"Detect allocated {allocated} bytes for {result.Length} detections");
    }

    [SkippableFact]
    public void Detect_GrayImage_ThrowsArgumentException()
    {
        OnnxDetector detector = Open();
        using var gray = new Mat(100, 100, MatType.CV_8UC1, Scalar.All(0));

        Assert.Throws<ArgumentException>(() => detector.Detect(gray, out _));
    }

    [SkippableFact]
    public void Detect_AfterDispose_ThrowsObjectDisposedException()
    {
        string model = SharedAssets.Model("yolox-nano.onnx");
        OnnxDetector detector = OnnxDetector.Open(new DetectorOptions
        {
            ModelPath = model,
            CardPath = SharedAssets.Card("yolox-nano.json"),
            Device = ExecutionDevice.Cpu,
            IntraOpThreads = 1,
        });
        using var image = new Mat(32, 32, MatType.CV_8UC3, Scalar.All(0));

        detector.Dispose();
        detector.Dispose();

        Assert.Throws<ObjectDisposedException>(() => detector.Detect(image, out _));
    }

    private OnnxDetector Open() => fixture.Get(() => new DetectorOptions
    {
        ModelPath = SharedAssets.Model("yolox-nano.onnx"),
        CardPath = SharedAssets.Card("yolox-nano.json"),
        Device = ExecutionDevice.Cpu,
        IntraOpThreads = 2,
    });
}
