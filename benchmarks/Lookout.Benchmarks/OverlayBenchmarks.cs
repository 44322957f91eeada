using BenchmarkDotNet.Attributes;
using Lookout.Detection;
using Lookout.Overlay;
using OpenCvSharp;

namespace Lookout.Benchmarks;

/// <summary>Drawing 20 labelled boxes and the HUD line onto a 768×576 frame, as the output stage does per frame.</summary>
[MemoryDiagnoser]
public class OverlayBenchmarks
{
    private readonly Renderer _renderer = new();
    private Mat _frame = null!;
    private Detection.Detection[] _detections = [];

    [GlobalSetup]
    public void Setup()
    {
        _frame = Synthetic.Frame(768, 576);
        var random = new Random(Synthetic.Seed);
        string[] labels = ["person", "car", "bicycle", "dog"];
        _detections = new Detection.Detection[20];
        for (int i = 0; i < _detections.Length; i++)
        {
            float x = random.Next(0, 640);
            float y = random.Next(0, 450);
            int cls = i % labels.Length;
            _detections[i] = new Detection.Detection(cls, labels[cls], 0.5f + (0.02f * i), new BoxF(x, y, x + 40 + random.Next(80), y + 60 + random.Next(100)));
        }
    }

    [Benchmark(Description = "20 boxes + HUD on 768x576")]
    public void Draw() => _renderer.Draw(_frame, _detections, "fps 24.0  infer 12.3 ms  latency 80 ms");

    [GlobalCleanup]
    public void Cleanup() => _frame.Dispose();
}
