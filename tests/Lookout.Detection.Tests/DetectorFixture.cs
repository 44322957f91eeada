namespace Lookout.Detection.Tests;

/// <summary>
/// Opens a detector once per test class and only when a test asks for it, so classes whose tests skip for
/// missing shared assets never touch ONNX Runtime.
/// </summary>
public sealed class DetectorFixture : IDisposable
{
    private OnnxDetector? _detector;

    public OnnxDetector Get(Func<DetectorOptions> options)
    {
        _detector ??= OnnxDetector.Open(options());
        return _detector;
    }

    public void Dispose()
    {
        _detector?.Dispose();
        GC.SuppressFinalize(this);
    }
}
