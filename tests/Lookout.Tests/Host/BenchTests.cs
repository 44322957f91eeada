using System.Text.Json;
using Lookout.Host.Reporting;
using Lookout.Tests.Support;

namespace Lookout.Tests.Host;

/// <summary>
/// <c>lookout bench</c> end to end on a few frames. Timings on a shared machine say nothing, so these tests check that
/// every section is there and every figure is a sane number, never how fast anything was.
/// </summary>
public sealed class BenchTests
{
    private static readonly string[] s_stages = ["decode", "preprocess", "inference", "decode+nms", "draw", "encode"];

    [SkippableFact]
    public async Task Bench_YoloxNanoOnVtestFewFrames_WritesJsonWithEverySectionAndSaneFigures()
    {
        Skip.If(SharedAssets.Root is null, SharedAssets.SkipReason);
        using var dir = new TempDir();
        var json = dir.File("bench.json");

        var (code, error) = await CliRunner.RunRawAsync(
            "bench", SharedAssets.Path("media", "video", "vtest.avi"), "--model", SharedAssets.Path("models", "yolox-nano.onnx"),
            "--frames", "12", "--json", json, "--device", "cpu");

        Assert.True(code == 0, error);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        AssertSaneReport(root, 12, error);
        Assert.Equal("vtest.avi", root.GetProperty("input").GetString());
        Assert.Equal(768, root.GetProperty("width").GetInt32());
        Assert.Equal("yolox-nano", root.GetProperty("model").GetString());

        // OpenCV DNN loads YOLOX-nano: both engines are measured, and with one decoder they find the same people.
        var engines = root.GetProperty("engines");
        AssertPositive(engines.GetProperty("opencv_dnn").GetProperty("inference").GetProperty("p50"), "opencv_dnn inference p50");
        AssertPositive(engines.GetProperty("inference_speedup"), "inference_speedup");
        AssertPositive(engines.GetProperty("total_speedup"), "total_speedup");
        var agreement = engines.GetProperty("agreement");
        Assert.True(agreement.GetProperty("agrees").GetBoolean(), agreement.ToString());
        Assert.True(agreement.GetProperty("matched").GetInt32() > 0, agreement.ToString());
        Assert.False(engines.TryGetProperty("opencv_dnn_error", out _));
        Assert.Contains("pipelined / sequential", error);
        Assert.Contains("detections agree", error);
    }

    [Fact]
    public async Task Bench_BundledModelOnBundledSample_WritesJsonWithEverySectionAndSaneFigures()
    {
        using var dir = new TempDir();
        var json = Path.Combine(dir.Path, "out", "bench.json");

        var (code, error) = await CliRunner.RunRawAsync(
            "bench", RepoPaths.Sample, "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), "--frames", "8", "--json", json, "--device", "cpu");

        Assert.True(code == 0, error);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        AssertSaneReport(report.RootElement, 8, error);
        Assert.Contains("bottleneck:", error);
    }

    [Fact]
    public async Task Bench_MissingVideo_ExitsTwoNamingIt()
    {
        using var dir = new TempDir();

        var (code, error) = await CliRunner.RunRawAsync("bench", dir.File("nope.avi"), "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"));

        Assert.Equal(2, code);
        Assert.Contains("nope.avi", error);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public async Task Bench_MissingModel_ExitsTwoNamingIt()
    {
        using var dir = new TempDir();

        var (code, error) = await CliRunner.RunRawAsync("bench", RepoPaths.Sample, "--model", dir.File("absent.onnx"));

        Assert.Equal(2, code);
        Assert.Contains("absent.onnx", error);
        Assert.Contains("--model", error);
    }

    [Fact]
    public async Task Bench_ImageInsteadOfVideo_ExitsTwoAskingForAVideo()
    {
        using var dir = new TempDir();
        var image = dir.File("still.png");
        File.WriteAllBytes(image, [0x89, 0x50, 0x4E, 0x47]);

        var (code, error) = await CliRunner.RunRawAsync("bench", image, "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"));

        Assert.Equal(2, code);
        Assert.Contains("still.png", error);
        Assert.Contains("video file", error);
    }

    [Fact]
    public async Task Bench_OneFrame_ExitsTwoSayingTheMinimum()
    {
        var (code, error) = await CliRunner.RunRawAsync("bench", RepoPaths.Sample, "--frames", "1");

        Assert.Equal(2, code);
        Assert.Contains("--frames", error);
    }

    [Fact]
    public void Format_OpenCvDnnCouldNotLoadTheModel_SaysSoPlainlyInTableAndJson()
    {
        using var dir = new TempDir();
        var report = Report(
            "exotic",
            new BenchReport.RunFigures(10, 0.5, 20, 120, "OpenCV VideoWriter mp4v"),
            null,
            "OpenCV DNN cannot load 'exotic.onnx': unsupported layer");

        var table = report.Format();
        report.WriteJson(dir.File("r.json"));

        Assert.Contains("opencv-dnn: not compared: OpenCV DNN cannot load 'exotic.onnx': unsupported layer", table);
        Assert.Contains("pipelined / sequential: 2.00x\n", table);
        Assert.DoesNotContain("pipelined, opencv", table);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("r.json")));
        var engines = json.RootElement.GetProperty("engines");
        Assert.Equal("OpenCV DNN cannot load 'exotic.onnx': unsupported layer", engines.GetProperty("opencv_dnn_error").GetString());
        Assert.False(engines.TryGetProperty("opencv_dnn", out _));
        Assert.Equal(2.0, json.RootElement.GetProperty("pipelined_speedup").GetDouble(), 6);
        Assert.False(json.RootElement.TryGetProperty("pipelined_same_writer", out _));
    }

    [Fact]
    public void Format_PipelineWroteThroughFfmpeg_ShowsTheSameWriterRunAndBothRatios()
    {
        var report = Report(
            "m",
            new BenchReport.RunFigures(10, 0.4, 25, 120, "ffmpeg mp4v (child process)"),
            new BenchReport.RunFigures(10, 0.8, 12.5, 110, "OpenCV VideoWriter mp4v"),
            "n/a");

        var table = report.Format();

        Assert.Contains("pipelined / sequential: 2.50x (pipelining alone, same writer: 1.25x)", table);
        Assert.Contains("ffmpeg mp4v (child process)", table);
        Assert.Contains("pipelined, opencv", table);
        Assert.Equal(1.25, report.PipelinedSameWriterSpeedup);
    }

    // A report of made-up figures: a 10 fps sequential run with OpenCV's writer, the given pipelined runs, and an
    // OpenCV DNN that could not run the model.
    private static BenchReport Report(string model, BenchReport.RunFigures pipelined, BenchReport.RunFigures? sameWriter, string openCvDnnError)
    {
        var latency = new BenchReport.Latency(10, 9, 12);
        return new BenchReport
        {
            Input = "clip.mp4",
            Width = 640,
            Height = 480,
            Model = model,
            Provider = "CPU",
            Machine = new BenchReport.MachineInfo(2, "Linux", ".NET 10", "x64", 0.5),
            Sequential = new BenchReport.RunFigures(10, 1, 10, 100, "OpenCV VideoWriter mp4v"),
            Pipelined = pipelined,
            PipelinedSameWriter = sameWriter,
            Stages = [new BenchReport.StageFigures("inference", latency, latency)],
            Bottleneck = new BenchReport.BottleneckFigures("inference", "detect", "preprocess + inference + decode+nms", 40, 25, 0.8, 30, 0.67),
            Engines = new BenchReport.EngineFigures(
                10, "2 threads", "2 threads", new BenchReport.EngineLatency(latency, latency), null, null, null, null, openCvDnnError, 24),
            PeakRssBytes = 1 << 20,
        };
    }

    private static void AssertSaneReport(JsonElement root, int frames, string log)
    {
        foreach (var run in new[] { "sequential", "pipelined" })
        {
            var figures = root.GetProperty(run);
            Assert.True(figures.GetProperty("frames").GetInt32() == frames, $"{run}: {figures}\n{log}");
            AssertPositive(figures.GetProperty("seconds"), run + " seconds");
            AssertPositive(figures.GetProperty("fps"), run + " fps");
            AssertFiniteNonNegative(figures.GetProperty("allocated_bytes_per_frame"), run + " allocated_bytes_per_frame");
            Assert.False(string.IsNullOrWhiteSpace(figures.GetProperty("encoder").GetString()), $"{run}: {figures}");
        }

        AssertPositive(root.GetProperty("pipelined_speedup"), "pipelined_speedup");

        var stages = root.GetProperty("stages").EnumerateArray().ToArray();
        Assert.Equal(s_stages, stages.Select(s => s.GetProperty("name").GetString()));
        foreach (var stage in stages)
        {
            foreach (var run in new[] { "pipelined", "sequential" })
            {
                foreach (var figure in new[] { "mean", "p50", "p95" })
                {
                    AssertFiniteNonNegative(stage.GetProperty(run).GetProperty(figure), $"{stage.GetProperty("name")} {run} {figure}");
                }
            }

            Assert.True(stage.GetProperty("pipelined").GetProperty("p95").GetDouble() >= stage.GetProperty("pipelined").GetProperty("p50").GetDouble());
        }

        AssertPositive(stages[2].GetProperty("sequential").GetProperty("p50"), "inference p50");

        var bottleneck = root.GetProperty("bottleneck");
        Assert.Contains(bottleneck.GetProperty("thread").GetString(), new[] { "capture", "detect", "output" });
        Assert.Contains(bottleneck.GetProperty("stage").GetString(), s_stages);
        foreach (var figure in new[] { "thread_ms", "rate_fps", "pipelined_fraction", "isolated_rate_fps", "isolated_fraction" })
        {
            AssertPositive(bottleneck.GetProperty(figure), "bottleneck " + figure);
        }

        var engines = root.GetProperty("engines");
        Assert.True(engines.GetProperty("frames").GetInt32() == frames, engines.ToString());
        AssertPositive(engines.GetProperty("onnxruntime").GetProperty("inference").GetProperty("p50"), "onnx_runtime inference p50");
        AssertPositive(engines.GetProperty("onnxruntime").GetProperty("total").GetProperty("p95"), "onnx_runtime total p95");
        AssertFiniteNonNegative(engines.GetProperty("detector_allocated_bytes_per_frame"), "detector_allocated_bytes_per_frame");

        Assert.True(root.GetProperty("peak_rss_bytes").GetInt64() > 0);
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
    }

    private static void AssertPositive(JsonElement value, string what)
    {
        var number = value.GetDouble();
        Assert.True(double.IsFinite(number) && number > 0, $"{what} = {number}");
    }

    private static void AssertFiniteNonNegative(JsonElement value, string what)
    {
        var number = value.GetDouble();
        Assert.True(double.IsFinite(number) && number >= 0, $"{what} = {number}");
    }
}
