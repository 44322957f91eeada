using System.Text.Json;
using Lookout.Capture;
using Lookout.Detection;
using Lookout.Host.Verbs;
using Lookout.Tests.Support;

namespace Lookout.Tests.Host;

public sealed class WatchTests
{
    [Fact]
    public async Task Watch_NoDisplay_ExitsWithErrorSuggestingHeadlessVerbs()
    {
        var (code, error) = await WithEnvironment(_ => null, () => CliRunner.RunRawAsync("watch", RepoPaths.Sample));

        Assert.Equal(2, code);
        Assert.Contains("No display", error);
        Assert.Contains("lookout stream", error);
    }

    [Fact]
    public async Task Watch_CameraIndexThatDoesNotExist_ExitsWithErrorNamingIt()
    {
        // A display is claimed so the camera is what fails; the window is never opened.
        var (code, error) = await WithEnvironment(name => name == "DISPLAY" ? ":99" : null, () => CliRunner.RunRawAsync("watch", "57"));

        Assert.Equal(2, code);
        Assert.Contains("Camera 57", error);
        Assert.Contains("/dev/video57", error);
    }

    [SkippableFact]
    public async Task Watch_SampleUnderXvfb_PlaysInRealTimeWritesLiveJsonLinesAndMetrics()
    {
        Skip.If(VirtualDisplay.Display is null, VirtualDisplay.SkipReason);
        using var dir = new TempDir();
        var before = Frame.LiveCount;

        var (code, error) = await CliRunner.RunRawAsync("watch", RepoPaths.Sample, "--max-frames", "30", "--detections", dir.File("w.jsonl"), "--device", "cpu", "--metrics-interval", "0.5");

        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(dir.File("w.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.True(l.GetProperty("latency_ms").GetDouble() >= 0));

        // 30 frames were captured at the file's 25 fps: each was shown or dropped as stale, in order.
        var shown = lines.Length + lines.Sum(l => l.GetProperty("dropped").GetInt64());
        Assert.Equal(30, shown);
        var indices = lines.Select(l => l.GetProperty("frame").GetInt64()).ToArray();
        Assert.Equal(indices.Order(), indices);
        Assert.Contains("dropped:", error);
        Assert.Contains("metrics: output", error);
        Assert.Contains("latency p50", error);
        Assert.Contains("score > 0.74; q or Esc quits, space pauses, + and - change the score threshold", error);
        FrameAssert.NoLiveFrames(before);
    }

    [Theory]
    [InlineData(0.74f, 1, 0.79f)]
    [InlineData(0.74f, -1, 0.69f)]
    [InlineData(0.93f, 1, 0.95f)] // kept within 0.05 … 0.95
    [InlineData(0.07f, -1, 0.05f)]
    [InlineData(0.25f, 3, 0.4f)]
    public void StepScore_Steps_MovesTheDetectorsThresholdAndLogsIt(float start, int step, float expected)
    {
        using var detector = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), ScoreThreshold = start, Device = ExecutionDevice.Cpu });
        var logger = new ListLogger();

        WatchJob.StepScore(detector, step, logger);

        Assert.Equal(expected, detector.ScoreThreshold);
        Assert.Equal(1, logger.Count(FormattableString.Invariant($"Score threshold {expected:0.00} (was {start:0.00})")));
    }

    [Fact]
    public void StepScore_AtTheLimitOrBeforeTheDetectorIsOpen_ChangesAndLogsNothing()
    {
        using var detector = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), ScoreThreshold = 0.95f, Device = ExecutionDevice.Cpu });
        var logger = new ListLogger();

        WatchJob.StepScore(detector, 1, logger);
        WatchJob.StepScore(null, 1, logger);

        Assert.Equal(0.95f, detector.ScoreThreshold);
        Assert.Empty(logger.Entries);
    }

    [SkippableFact]
    public void Watch_PlusAndMinusKeysUnderXvfb_ChangeTheScoreThresholdWhilePlaying()
    {
        Skip.If(VirtualDisplay.Display is null, VirtualDisplay.SkipReason);
        Skip.If(LookoutProcess.HostAssembly is null, "src/Host is not built beside the tests");
        Skip.IfNot(VirtualDisplay.OnPath("xdotool"), "xdotool is needed to press keys in the window: run eng/install-deps.sh test");
        using var lookout = LookoutProcess.Start(
            new Dictionary<string, string> { ["DISPLAY"] = VirtualDisplay.Display! },
            "watch", RepoPaths.Sample, "--loop", "--duration", "120", "--device", "cpu");
        Assert.True(lookout.WaitForError("Watching", TimeSpan.FromSeconds(60)), lookout.StandardError);
        var window = FindWindow(lookout.Id, TimeSpan.FromSeconds(30));
        Assert.True(window is not null, "the window never appeared: " + lookout.StandardError);

        // Without a window manager the keyboard follows the pointer: put it on the window, then press the keys.
        Xdotool("mousemove", "--window", window!, "50", "50");
        Xdotool("key", "plus");
        Assert.True(lookout.WaitForError("Score threshold 0.79 (was 0.74)", TimeSpan.FromSeconds(20)), lookout.StandardError);
        Xdotool("key", "minus");
        Xdotool("key", "minus");
        Assert.True(lookout.WaitForError("Score threshold 0.69 (was 0.74)", TimeSpan.FromSeconds(20)), lookout.StandardError);
        Xdotool("key", "q");

        Assert.Equal(0, lookout.WaitForExit(TimeSpan.FromSeconds(60)));
    }

    private static string? FindWindow(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var (code, output) = RunXdotool("search", "--pid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", "^lookout$");
            if (code == 0 && output.Split('\n', StringSplitOptions.RemoveEmptyEntries) is [var first, ..])
            {
                return first.Trim();
            }

            Thread.Sleep(200);
        }

        return null;
    }

    private static void Xdotool(params string[] args)
    {
        var (code, output) = RunXdotool(args);
        Assert.True(code == 0, $"xdotool {string.Join(' ', args)}: exit {code}: {output}");
        Thread.Sleep(300);
    }

    private static (int Code, string Output) RunXdotool(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("xdotool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["DISPLAY"] = VirtualDisplay.Display!;
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [SkippableFact]
    public void Watch_SigintWhileRecording_ExitsZeroWithPlayableRecordingOfEveryFrame()
    {
        Skip.If(VirtualDisplay.Display is null, VirtualDisplay.SkipReason);
        Skip.If(LookoutProcess.HostAssembly is null, "src/Host is not built beside the tests");
        Skip.If(LookoutProcess.SigintSkipReason is not null, LookoutProcess.SigintSkipReason);
        using var dir = new TempDir();
        using var lookout = LookoutProcess.Start(
            new Dictionary<string, string> { ["DISPLAY"] = VirtualDisplay.Display! },
            "watch", RepoPaths.Sample, "--loop", "--device", "cpu", "-o", dir.File("rec.mp4"), "--detections", dir.File("rec.jsonl"));

        Assert.True(lookout.WaitForError("Watching", TimeSpan.FromSeconds(60)), lookout.StandardError);
        Thread.Sleep(2500);
        lookout.Interrupt();
        var code = lookout.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(code == 0, $"exit {code}: {lookout.StandardError}");
        Assert.Equal(["rec.jsonl", "rec.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var lines = File.ReadAllLines(dir.File("rec.jsonl"));
        Assert.NotEmpty(lines);
        using var capture = new OpenCvSharp.VideoCapture(dir.File("rec.mp4"));
        Assert.True(capture.IsOpened());
        Assert.Equal(lines.Length, (int)capture.FrameCount);
    }

    private static async Task<(int, string)> WithEnvironment(Func<string, string?> environment, Func<Task<(int, string)>> run)
    {
        var previous = WatchJob.Environment;
        WatchJob.Environment = environment;
        try
        {
            return await run();
        }
        finally
        {
            WatchJob.Environment = previous;
        }
    }
}
