using BenchmarkDotNet.Attributes;
using Lookout.Detection;
using OpenCvSharp;

namespace Lookout.Benchmarks;

/// <summary>
/// A 768×576 BGR frame (vtest.avi's size) into a model tensor: letterboxed to 416×416 as YOLOX-nano takes it, and
/// stretched to 320×240 as UltraFace takes it. Target: letterbox ≤ 1.5 ms, nothing allocated.
/// </summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private Mat _frame = null!;
    private Preprocessor _letterbox = null!;
    private Preprocessor _stretch = null!;
    private float[] _letterboxTensor = [];
    private float[] _stretchTensor = [];

    [GlobalSetup]
    public void Setup()
    {
        _frame = Synthetic.Frame(768, 576);
        _letterbox = new Preprocessor(new ModelInputSpec
        {
            Width = 416,
            Height = 416,
            Color = ColorOrder.Bgr,
            Scale = 1f,
            Resize = ResizeMode.Letterbox,
            Align = LetterboxAlign.TopLeft,
            Pad = 114,
        });
        _stretch = new Preprocessor(new ModelInputSpec
        {
            Width = 320,
            Height = 240,
            Color = ColorOrder.Rgb,
            Scale = 1f,
            Mean = [127f, 127f, 127f],
            Std = [128f, 128f, 128f],
            Resize = ResizeMode.Stretch,
        });
        _letterboxTensor = new float[_letterbox.TensorLength];
        _stretchTensor = new float[_stretch.TensorLength];
    }

    [Benchmark(Description = "768x576 -> 416x416 letterbox")]
    public InputTransform Letterbox416() => _letterbox.Run(_frame, _letterboxTensor);

    [Benchmark(Description = "768x576 -> 320x240 stretch")]
    public InputTransform Stretch320() => _stretch.Run(_frame, _stretchTensor);

    [GlobalCleanup]
    public void Cleanup()
    {
        _letterbox.Dispose();
        _stretch.Dispose();
        _frame.Dispose();
    }
}
