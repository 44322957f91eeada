using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lookout.Overlay;

namespace Lookout.Host.Reporting;

/// <summary>What a run did: frames, detections per class and per-stage latency.</summary>
/// <remarks>Updated from the output stage's thread only; read after the run ends.</remarks>
public sealed class RunStats
{
    private readonly Dictionary<string, long> _perClass = new(StringComparer.Ordinal);
    private long _start = Stopwatch.GetTimestamp();
    private long _end;

    public StageStats Decode { get; } = new("decode");

    public StageStats Preprocess { get; } = new("preprocess");

    public StageStats Inference { get; } = new("inference");

    public StageStats Postprocess { get; } = new("decode+nms");

    public StageStats Draw { get; } = new("draw");

    public StageStats Write { get; } = new("write");

    public StageStats Latency { get; } = new("end-to-end");

    public long Frames { get; private set; }

    public long Detections { get; private set; }

    public IReadOnlyDictionary<string, long> PerClass => _perClass;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start, _end == 0 ? Stopwatch.GetTimestamp() : _end);

    public double Throughput => Elapsed.TotalSeconds > 0 ? Frames / Elapsed.TotalSeconds : 0;

    public void Restart() => _start = Stopwatch.GetTimestamp();

    public void Stop() => _end = Stopwatch.GetTimestamp();

    public void Record(DetectedFrame frame, double drawMs, double writeMs)
    {
        Frames++;
        Decode.Record(frame.Frame.DecodeMs);
        Preprocess.Record(frame.Timings.PreprocessMs);
        Inference.Record(frame.Timings.InferenceMs);
        Postprocess.Record(frame.Timings.PostprocessMs);
        Draw.Record(drawMs);
        Write.Record(writeMs);
        Latency.Record(Stopwatch.GetElapsedTime(frame.Frame.CapturedAt).TotalMilliseconds);
        foreach (ref readonly var d in frame.Detections.AsSpan())
        {
            Detections++;
            _perClass[d.Label] = _perClass.TryGetValue(d.Label, out var n) ? n + 1 : 1;
        }
    }

    /// <summary>The end-of-run report printed on standard error.</summary>
    public string Format(string what)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"{what}: {Frames} frames in {Elapsed.TotalSeconds:0.00} s, {Throughput:0.0} fps\n");
        sb.Append(c, $"detections: {Detections}");
        if (_perClass.Count > 0)
        {
            sb.Append(" (");
            var first = true;
            foreach (var (label, count) in _perClass.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            {
                sb.Append(first ? string.Empty : ", ").Append(c, $"{label} {count}");
                first = false;
            }

            sb.Append(')');
        }

        sb.Append('\n');
        sb.Append(c, $"{"stage",-12} {"mean",8} {"p50",8} {"p95",8}  ms\n");
        foreach (var s in new[] { Decode, Preprocess, Inference, Postprocess, Draw, Write, Latency })
        {
            sb.Append(c, $"{s.Name,-12} {s.Mean,8:0.00} {s.Percentile(50),8:0.00} {s.Percentile(95),8:0.00}\n");
        }

        return sb.ToString();
    }
}
