using System.Diagnostics;
using Lookout.Overlay;
using Lookout.Overlay.Sinks;

namespace Lookout.Tests.Support;

/// <summary>A sink that records what reached it: frame indices, drops and capture-to-output latency.</summary>
public sealed class RecordingSink : IFrameSink
{
    public List<long> Indices { get; } = [];

    public List<long> Dropped { get; } = [];

    public List<double> LatencyMs { get; } = [];

    public Action<long>? OnWrite { get; init; }

    public bool Completed { get; private set; }

    public void Write(DetectedFrame frame)
    {
        Indices.Add(frame.Frame.Index);
        Dropped.Add(frame.Dropped);
        LatencyMs.Add(Stopwatch.GetElapsedTime(frame.Frame.CapturedAt).TotalMilliseconds);
        OnWrite?.Invoke(frame.Frame.Index);
    }

    public void Complete() => Completed = true;

    public void Dispose()
    {
    }
}
