using BenchmarkDotNet.Attributes;
using Lookout.Detection;
using OpenCvSharp;

namespace Lookout.Benchmarks;

/// <summary>
/// One whole <see cref="OnnxDetector.Detect(Mat)"/> call (preprocess, ONNX Runtime on the CPU with 2 threads, decode,
/// NMS, boxes mapped back) on a real frame: the bundled shapes models on the bundled sample, and YOLOX-nano on
/// vtest.avi when the shared assets are present. The allocation column is the per-frame managed allocation of the
/// detector path; its target is ≤ 1 KB, the result array included.
/// </summary>
[MemoryDiagnoser]
public class DetectBenchmarks
{
    private OnnxDetector _detector = null!;
    private Mat _frame = null!;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "lookout-yolo-shapes";

    public static IEnumerable<string> Models()
    {
        yield return "lookout-yolo-shapes";
        yield return "lookout-ssd-shapes";
        if (RepoFiles.Shared is not null)
        {
            yield return "yolox-nano";
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        bool bundled = Model.StartsWith("lookout-", StringComparison.Ordinal);
        string shared = RepoFiles.Shared ?? string.Empty;
        _detector = OnnxDetector.Open(new DetectorOptions
        {
            ModelPath = bundled ? RepoFiles.Path("models", Model + ".onnx") : Path.Combine(shared, "models", Model + ".onnx"),
            CardPath = bundled ? null : RepoFiles.Path("models", "cards", Model + ".json"),
            Device = ExecutionDevice.Cpu,
            IntraOpThreads = 2,
        });
        string video = bundled ? RepoFiles.Path("videos", "shapes-sample.mp4") : Path.Combine(shared, "media", "video", "vtest.avi");
        using var capture = new VideoCapture(video);
        _frame = new Mat();
        if (!capture.Read(_frame) || _frame.Empty())
        {
            throw new InvalidOperationException($"Cannot read a frame from '{video}'.");
        }
    }

    [Benchmark(Description = "Detect (preprocess+ORT+decode+NMS)")]
    public Detection.Detection[] Detect() => _detector.Detect(_frame);

    [GlobalCleanup]
    public void Cleanup()
    {
        _detector.Dispose();
        _frame.Dispose();
    }
}
