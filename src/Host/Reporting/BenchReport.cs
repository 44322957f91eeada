using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lookout.Host.Reporting;

/// <summary>
/// What <c>lookout bench</c> measured in one run: pipelined vs sequential throughput, per-stage latency, the bottleneck,
/// ONNX Runtime vs OpenCV DNN, managed allocation per frame and peak memory. Printed as a table and written as JSON.
/// </summary>
/// <remarks>Every ratio compares figures taken in the same process, on the same model and frames, minutes apart.</remarks>
public sealed class BenchReport
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Stage names such as "decode+nms" stay readable; the file is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public required string Input { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required string Model { get; init; }

    /// <summary>ONNX Runtime's execution provider: "CPU" or "CUDA:&lt;id&gt;".</summary>
    public required string Provider { get; init; }

    public required MachineInfo Machine { get; init; }

    /// <summary>The classic loop: read, detect, draw, write one frame at a time on one thread.</summary>
    public required RunFigures Sequential { get; init; }

    /// <summary>The <c>annotate</c> pipeline: decode, detect, draw + write on three threads with bounded queues.</summary>
    public required RunFigures Pipelined { get; init; }

    /// <summary>
    /// The pipeline again with the sequential loop's writer (OpenCV's), when the pipeline's own was another (ffmpeg):
    /// the gain of pipelining alone. Null when both runs used the same writer.
    /// </summary>
    public RunFigures? PipelinedSameWriter { get; init; }

    /// <summary>Pipelined frames per second over sequential frames per second.</summary>
    public double PipelinedSpeedup => Ratio(Pipelined.Fps, Sequential.Fps);

    /// <summary>The same with the sequential loop's writer; null when <see cref="PipelinedSameWriter"/> is.</summary>
    public double? PipelinedSameWriterSpeedup => PipelinedSameWriter is { } same ? Ratio(same.Fps, Sequential.Fps) : null;

    public required IReadOnlyList<StageFigures> Stages { get; init; }

    public required BottleneckFigures Bottleneck { get; init; }

    public required EngineFigures Engines { get; init; }

    /// <summary>Largest resident set of the process so far, in bytes.</summary>
    public required long PeakRssBytes { get; init; }

    /// <summary>A ratio that is 0 rather than infinite or NaN when the denominator is 0.</summary>
    public static double Ratio(double numerator, double denominator) =>
        denominator > 0 && double.IsFinite(numerator) ? numerator / denominator : 0;

    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be written.</exception>
    public void WriteJson(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(this, s_json) + "\n");
    }

    /// <summary>The human-readable report printed on standard error.</summary>
    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"bench: {Input} ({Width}x{Height}), {Model} on {Provider}; {Machine.Cores} cores, {Machine.Runtime}, load {Machine.LoadAverage:0.0}\n\n");
        sb.Append(c, $"{"run",-18} {"frames",7} {"seconds",8} {"fps",7} {"alloc B/frame",14}  writer\n");
        foreach (var (name, run) in new[] { ("sequential", Sequential), ("pipelined", Pipelined), ("pipelined, opencv", PipelinedSameWriter) })
        {
            if (run is not null)
            {
                sb.Append(c, $"{name,-18} {run.Frames,7} {run.Seconds,8:0.00} {run.Fps,7:0.0} {run.AllocatedBytesPerFrame,14:0}  {run.Encoder}\n");
            }
        }

        sb.Append(c, $"pipelined / sequential: {PipelinedSpeedup:0.00}x");
        sb.Append(PipelinedSameWriterSpeedup is { } alone ? string.Create(c, $" (pipelining alone, same writer: {alone:0.00}x)\n\n") : "\n\n");
        sb.Append(c, $"{"stage",-12} {"pipelined p50",14} {"p95",7} {"sequential p50",15} {"p95",7}  ms\n");
        foreach (var s in Stages)
        {
            sb.Append(c, $"{s.Name,-12} {s.Pipelined.P50,14:0.00} {s.Pipelined.P95,7:0.00} {s.Sequential.P50,15:0.00} {s.Sequential.P95,7:0.00}\n");
        }

        var b = Bottleneck;
        sb.Append(c, $"bottleneck: {b.Thread} thread ({b.ThreadStages}) {b.ThreadMs:0.00} ms/frame = {b.RateFps:0.0} fps; ");
        sb.Append(c, $"pipelined reaches {b.PipelinedFraction:P0} of it (of the sequential run's {b.IsolatedRateFps:0.0} fps: {b.IsolatedFraction:P0}); slowest stage: {b.Stage}\n\n");

        var e = Engines;
        sb.Append(c, $"engines over {e.Frames} frames in memory (onnxruntime {Provider}, {e.OnnxRuntimeThreads}; opencv-dnn CPU, {e.OpenCvDnnThreads}):\n");
        sb.Append(c, $"{"engine",-12} {"inference p50",14} {"p95",7} {"total p50",10} {"p95",7}  ms\n");
        sb.Append(c, $"{"onnxruntime",-12} {e.OnnxRuntime.Inference.P50,14:0.00} {e.OnnxRuntime.Inference.P95,7:0.00} {e.OnnxRuntime.Total.P50,10:0.00} {e.OnnxRuntime.Total.P95,7:0.00}\n");
        if (e.OpenCvDnn is { } dnn && e.Agreement is { } a)
        {
            sb.Append(c, $"{"opencv-dnn",-12} {dnn.Inference.P50,14:0.00} {dnn.Inference.P95,7:0.00} {dnn.Total.P50,10:0.00} {dnn.Total.P95,7:0.00}\n");
            sb.Append(c, $"onnxruntime / opencv-dnn speed: {e.InferenceSpeedup:0.00}x inference, {e.TotalSpeedup:0.00}x total (p50)\n");
            if (a.Matched + a.OnlyOnnxRuntime + a.OnlyOpenCvDnn + a.Borderline == 0)
            {
                sb.Append("detections: neither engine found anything on these frames, so there was nothing to compare\n");
            }
            else
            {
                sb.Append(c, $"detections {(a.Agrees ? "agree" : "DISAGREE")}: {a.Matched} pairs, {a.OnlyOnnxRuntime} only onnxruntime, {a.OnlyOpenCvDnn} only opencv-dnn, ");
                sb.Append(c, $"{a.Borderline} borderline; min IoU {a.MinIoU:0.000}, max score difference {a.MaxScoreDifference:0.000}\n");
            }
        }
        else
        {
            sb.Append(c, $"opencv-dnn: not compared: {e.OpenCvDnnError}\n");
        }

        sb.Append(c, $"\ndetector managed allocation: {e.DetectorAllocatedBytesPerFrame:0} B/frame (preprocess + inference + decode + NMS, result array included)\n");
        sb.Append(c, $"peak RSS: {PeakRssBytes / (1024.0 * 1024.0):0} MiB\n");
        return sb.ToString();
    }

    /// <summary>Where the figures were taken.</summary>
    public sealed record MachineInfo(int Cores, string Os, string Runtime, string Architecture, double LoadAverage)
    {
        public static MachineInfo Current() => new(
            Environment.ProcessorCount,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            ReadLoadAverage());

        // The one-minute load average says whether other work shared the CPU; 0 where /proc is absent.
        private static double ReadLoadAverage()
        {
            try
            {
                var text = File.ReadAllText("/proc/loadavg");
                var first = text.Split(' ', 2)[0];
                return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return 0;
            }
        }
    }

    /// <summary>One whole run over the video.</summary>
    /// <param name="AllocatedBytesPerFrame">Managed bytes allocated per frame after the first frames (all threads of the run).</param>
    /// <param name="Encoder">The video writer, in words.</param>
    public sealed record RunFigures(long Frames, double Seconds, double Fps, double AllocatedBytesPerFrame, string Encoder);

    /// <summary>Milliseconds of one stage.</summary>
    public sealed record Latency(double Mean, double P50, double P95)
    {
        public static Latency Of(StageStats stats) => new(stats.Mean, stats.Percentile(50), stats.Percentile(95));
    }

    /// <summary>One stage's latency in each run; under the pipeline stages share the CPU, so they read higher.</summary>
    public sealed record StageFigures(string Name, Latency Pipelined, Latency Sequential);

    /// <summary>
    /// The pipeline thread with the largest mean time per frame bounds its throughput at 1000 / that many frames per second.
    /// </summary>
    /// <param name="Stage">The slowest single stage in the pipelined run.</param>
    /// <param name="Thread">The slowest pipeline thread: capture, detect or output.</param>
    /// <param name="ThreadStages">The stages that thread runs.</param>
    /// <param name="ThreadMs">Its mean milliseconds per frame in the pipelined run.</param>
    /// <param name="RateFps">1000 / <paramref name="ThreadMs"/>.</param>
    /// <param name="PipelinedFraction">Pipelined throughput / <paramref name="RateFps"/>.</param>
    /// <param name="IsolatedRateFps">The same thread's rate from the sequential run's stage times (no CPU shared between stages).</param>
    /// <param name="IsolatedFraction">Pipelined throughput / <paramref name="IsolatedRateFps"/>.</param>
    public sealed record BottleneckFigures(
        string Stage,
        string Thread,
        string ThreadStages,
        double ThreadMs,
        double RateFps,
        double PipelinedFraction,
        double IsolatedRateFps,
        double IsolatedFraction);

    /// <summary>Inference and total detector time of one engine.</summary>
    public sealed record EngineLatency(Latency Inference, Latency Total);

    /// <summary>ONNX Runtime vs OpenCV DNN on the same model and frames, decoded by the same code.</summary>
    /// <param name="OpenCvDnn">Null when OpenCV DNN could not load or run the model; <paramref name="OpenCvDnnError"/> says why.</param>
    /// <param name="InferenceSpeedup">OpenCV DNN inference p50 / ONNX Runtime inference p50.</param>
    /// <param name="TotalSpeedup">The same for the whole detector call.</param>
    /// <param name="DetectorAllocatedBytesPerFrame">Managed bytes one ONNX Runtime detector call allocates in steady state.</param>
    public sealed record EngineFigures(
        int Frames,
        [property: JsonPropertyName("onnxruntime_threads")] string OnnxRuntimeThreads,
        [property: JsonPropertyName("opencv_dnn_threads")] string OpenCvDnnThreads,
        [property: JsonPropertyName("onnxruntime")] EngineLatency OnnxRuntime,
        [property: JsonPropertyName("opencv_dnn")] EngineLatency? OpenCvDnn,
        double? InferenceSpeedup,
        double? TotalSpeedup,
        AgreementFigures? Agreement,
        [property: JsonPropertyName("opencv_dnn_error")] string? OpenCvDnnError,
        double DetectorAllocatedBytesPerFrame);

    /// <summary>How the two engines' detections paired up over all compared frames.</summary>
    public sealed record AgreementFigures(
        bool Agrees,
        int Matched,
        [property: JsonPropertyName("only_onnxruntime")] int OnlyOnnxRuntime,
        [property: JsonPropertyName("only_opencv_dnn")] int OnlyOpenCvDnn,
        int Borderline,
        [property: JsonPropertyName("min_iou")] double MinIoU,
        double MaxScoreDifference);
}
