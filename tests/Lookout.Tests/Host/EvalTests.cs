using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lookout.Detection;
using Lookout.Detection.Datasets;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Host;

public sealed partial class EvalTests
{
    [SkippableFact]
    public async Task Eval_UltraFaceOnItsReferenceFaces_ScoresNearOneAndEndsWithSummaryLine()
    {
        Skip.If(SharedAssets.Root is null, SharedAssets.SkipReason);
        using var dir = new TempDir();
        var voc = WriteFacesVoc(dir.File("faces"));
        var (code, output, error) = await RunWithOutputAsync(
            "eval", "--model", SharedAssets.Path("models", "ultraface-rfb-320.onnx"), "--data", voc, "--json", dir.File("report.json"));

        Assert.True(code == 0, error);
        var last = output.TrimEnd().Split('\n')[^1];
        var match = SummaryLine().Match(last);
        Assert.True(match.Success, last);

        // Ground truth is UltraFace's own confident reference output, so it must find nearly all of it again.
        var map50 = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(map50, 0.95, 1.0);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        Assert.Equal(map50, json.RootElement.GetProperty("map50").GetDouble(), 3);
        Assert.Equal(5, json.RootElement.GetProperty("images").GetInt32());
        Assert.Contains("(the model's threshold): precision", output, StringComparison.Ordinal);
        Assert.Equal(19, json.RootElement.GetProperty("operating_points").GetArrayLength());
        Assert.Equal("face", json.RootElement.GetProperty("classes")[0].GetProperty("label").GetString());
        var inference = json.RootElement.GetProperty("inference");
        Assert.Equal(5, inference.GetProperty("runs").GetInt64());
        Assert.True(inference.GetProperty("p50_ms").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(inference.GetProperty("provider").GetString()));
    }

    [SkippableFact]
    public async Task Eval_Record_WritesScoresLatencyAndProtocolIntoTheCardAndKeepsItUsable()
    {
        Skip.If(SharedAssets.Root is null, SharedAssets.SkipReason);
        using var dir = new TempDir();
        var voc = WriteFacesVoc(dir.File("faces"));
        var model = dir.File("face.onnx");
        File.Copy(SharedAssets.Path("models", "ultraface-rfb-320.onnx"), model);
        File.Copy(Path.Combine(RepoCards(), "ultraface-rfb-320.json"), dir.File("face.json"));

        var (code, error) = await CliRunner.RunAsync("eval", "--model", model, "--data", voc, "--record", "--device", "cpu");

        Assert.True(code == 0, error);
        using var card = JsonDocument.Parse(File.ReadAllText(dir.File("face.json")));
        var evaluation = card.RootElement.GetProperty("evaluation");
        Assert.InRange(evaluation.GetProperty("map50").GetDouble(), 0.95, 1.0);
        Assert.Equal("test", evaluation.GetProperty("split").GetString());
        Assert.True(evaluation.GetProperty("inference_ms_p50").GetDouble() > 0);
        Assert.False(evaluation.GetProperty("spinning").GetBoolean());
        Assert.False(evaluation.GetProperty("multi_label").GetBoolean());
        // What a person sees at the card's threshold, and the threshold of best F1, which no other does better than.
        var shown = evaluation.GetProperty("at_score_threshold");
        var best = evaluation.GetProperty("best_f1");
        Assert.Equal(card.RootElement.GetProperty("score_threshold").GetDouble(), shown.GetProperty("score").GetDouble(), 3);
        Assert.InRange(shown.GetProperty("recall").GetDouble(), 0.9, 1.0);
        Assert.InRange(best.GetProperty("f1").GetDouble(), shown.GetProperty("f1").GetDouble(), 1.0);
        Assert.Equal("ssd", card.RootElement.GetProperty("layout").GetString());
        Assert.Equal(0, (await CliRunner.RunAsync("eval", "--model", model, "--data", voc, "--device", "cpu", "--record", "--spin", "--multi-label")).ExitCode);
        using var spun = JsonDocument.Parse(File.ReadAllText(dir.File("face.json")));
        Assert.True(spun.RootElement.GetProperty("evaluation").GetProperty("spinning").GetBoolean());
        Assert.True(spun.RootElement.GetProperty("evaluation").GetProperty("multi_label").GetBoolean());
    }

    [Fact]
    public async Task Eval_MissingDataFolder_FailsNamingIt()
    {
        using var dir = new TempDir();
        var (code, error) = await CliRunner.RunAsync("eval", "--model", dir.File("m.onnx"), "--data", dir.File("nowhere"));

        Assert.Equal(2, code);
        Assert.Contains("nowhere", error);
    }

    [Fact]
    public async Task Eval_EmptySplit_FailsNamingItInsteadOfScoringZero()
    {
        // As `synth --split-ratios 1,0,0` leaves a training-only folder: the test split file is there and empty.
        using var dir = new TempDir();
        var data = dir.File("train-only");
        Directory.CreateDirectory(Path.Combine(data, "Annotations"));
        Directory.CreateDirectory(Path.Combine(data, "ImageSets", "Main"));
        File.WriteAllText(Path.Combine(data, "ImageSets", "Main", "test.txt"), "");
        File.WriteAllText(Path.Combine(data, "labels.txt"), "circle\n");

        var (code, error) = await CliRunner.RunAsync("eval", "--model", dir.File("m.onnx"), "--data", data, "--split", "test");

        Assert.Equal(2, code);
        Assert.Contains("split 'test' lists no images", error);
    }

    [Fact]
    public async Task Eval_JsonReportOnTheModelsCard_FailsAndLeavesTheCard()
    {
        using var dir = new TempDir();
        var model = dir.File("shapes.onnx");
        File.Copy(RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), model);
        File.Copy(RepoPaths.Path("models", "lookout-yolo-shapes.json"), dir.File("shapes.json"));
        var card = File.ReadAllText(dir.File("shapes.json"));

        var (code, error) = await CliRunner.RunAsync(
            "eval", "--model", model, "--data", RepoPaths.Path("videos", "shapes-sample.mp4"), "--json", dir.File("shapes.json"), "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("is the model's card", error);
        Assert.Equal(card, File.ReadAllText(dir.File("shapes.json")));
    }

    [Fact]
    public async Task Eval_ClassAgnosticWithRecord_FailsNamingTheConflict()
    {
        using var dir = new TempDir();
        var (code, error) = await CliRunner.RunAsync("eval", "--model", dir.File("m.onnx"), "--data", dir.File("data"), "--class-agnostic", "--record");

        Assert.Equal(2, code);
        Assert.Contains("ClassAgnostic and Record", error);
    }

    [SkippableFact]
    public async Task Eval_ModelWithoutTheDatasetClasses_FailsNamingTheModel()
    {
        Skip.If(SharedAssets.Root is null, SharedAssets.SkipReason);
        using var dir = new TempDir();
        var voc = WriteFacesVoc(dir.File("faces"));
        var (code, error) = await CliRunner.RunAsync("eval", "--model", SharedAssets.Path("models", "yolox-nano.onnx"), "--data", voc, "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("yolox-nano.onnx", error);
        Assert.Contains("none of the dataset's classes", error);
    }

    [SkippableTheory]
    [InlineData("lookout-yolo-shapes")]
    [InlineData("lookout-ssd-shapes")]
    public async Task Eval_BundledModelOnShapesDrawnByAnotherRenderer_FindsThemFrom32Px(string model)
    {
        var renderer = FindOnPath("rsvg-convert");
        Skip.If(renderer is null || FindOnPath("python3") is null, "rsvg-convert (Debian librsvg2-bin) or python3 is not installed; eng/install-deps.sh test installs them");
        using var dir = new TempDir();
        var data = dir.File("svg-shapes");
        using (var script = Process.Start(new ProcessStartInfo("python3", [RepoPaths.Path("eng", "svg-shapes.py"), "--out", data, "--count", "40", "--seed", "3"]) { RedirectStandardError = true })!)
        {
            var stderr = await script.StandardError.ReadToEndAsync();
            await script.WaitForExitAsync();
            Assert.True(script.ExitCode == 0, stderr);
        }

        var (code, _, error) = await RunWithOutputAsync(
            "eval", "--model", RepoPaths.Path("models", model + ".onnx"), "--data", data, "--json", dir.File("report.json"), "--device", "cpu");

        Assert.True(code == 0, error);
        // librsvg's antialiasing, gradients, joins, noise and fonts were never in training: the classes as
        // described must still be found once they are large enough to tell apart at the network's input.
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        var medium = json.RootElement.GetProperty("by_size").EnumerateArray().Single(s => s.GetProperty("size").GetString() == "32-96 px");
        Assert.True(medium.GetProperty("ground_truths").GetInt32() >= 50, medium.ToString());
        Assert.InRange(medium.GetProperty("map50").GetDouble(), 0.9, 1.0);
        Assert.InRange(json.RootElement.GetProperty("map50").GetDouble(), 0.6, 1.0);
    }

    [Fact]
    public async Task Eval_BundledYoloOnTheSampleVideo_ScoresEveryFrameAgainstItsTruth()
    {
        using var dir = new TempDir();

        // The truth defaults to the video's path with .jsonl.
        var (code, output, error) = await RunWithOutputAsync(
            "eval", "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), "--data", RepoPaths.Path("videos", "shapes-sample.mp4"),
            "--json", dir.File("report.json"), "--device", "cpu");

        Assert.True(code == 0, error);
        Assert.Matches(SummaryLine(), output.TrimEnd().Split('\n')[^1]);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        Assert.Equal(250, json.RootElement.GetProperty("images").GetInt32());
        // Frames paired with the wrong truth line would lose the objects that move; large ones are found.
        var medium = json.RootElement.GetProperty("by_size").EnumerateArray().Single(s => s.GetProperty("size").GetString() == "32-96 px");
        Assert.True(medium.GetProperty("ground_truths").GetInt32() >= 50, medium.ToString());
        Assert.InRange(medium.GetProperty("map50").GetDouble(), 0.8, 1.0);
    }

    [Fact]
    public async Task Eval_Calibrate_SetsTheCardsThresholdToTheBestF1AndSaysWhere()
    {
        using var dir = new TempDir();
        var model = dir.File("shapes.onnx");
        File.Copy(RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), model);
        var original = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.Path("models", "lookout-yolo-shapes.json")))!.AsObject();
        original["score_threshold"] = 0.25;
        original.Remove("score_calibration");
        File.WriteAllText(dir.File("shapes.json"), original.ToJsonString());

        var (code, output, error) = await RunWithOutputAsync(
            "eval", "--model", model, "--data", RepoPaths.Path("videos", "shapes-sample.mp4"), "--calibrate", "--json", dir.File("report.json"), "--device", "cpu");

        Assert.True(code == 0, error);
        using var report = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        var best = report.RootElement.GetProperty("best_f1");
        using var card = JsonDocument.Parse(File.ReadAllText(dir.File("shapes.json")));
        var threshold = card.RootElement.GetProperty("score_threshold").GetDouble();
        Assert.Equal(best.GetProperty("score").GetDouble(), threshold, 6);
        Assert.NotEqual(0.25, threshold);
        var calibration = card.RootElement.GetProperty("score_calibration");
        Assert.Equal("all", calibration.GetProperty("split").GetString());
        Assert.Equal(250, calibration.GetProperty("images").GetInt32());
        Assert.Equal(best.GetProperty("f1").GetDouble(), calibration.GetProperty("f1").GetDouble(), 3);
        Assert.Contains(FormattableString.Invariant($"at score > {threshold:0.###} (the model's threshold)"), output, StringComparison.Ordinal);
        Assert.Contains("Card score_threshold set to", error);

        // The card still opens, and the pipeline now draws at the new threshold.
        var (again, _, againError) = await RunWithOutputAsync(
            "eval", "--model", model, "--data", RepoPaths.Path("videos", "shapes-sample.mp4"), "--device", "cpu");
        Assert.True(again == 0, againError);
    }

    [Theory]
    [InlineData("--calibrate")]
    [InlineData("--record")]
    public async Task Eval_WritingToACardTheModelDoesNotHave_FailsBeforeEvaluatingAndWritesNothing(string option)
    {
        // The bundled export carries Ultralytics metadata, so without its card one is inferred: there is no file to write.
        using var dir = new TempDir();
        var model = dir.File("shapes.onnx");
        File.Copy(RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), model);

        var (code, error) = await CliRunner.RunAsync("eval", "--model", model, "--data", RepoPaths.Path("videos", "shapes-sample.mp4"), option, "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains($"{option} needs a card file to write to", error);
        Assert.DoesNotContain("Inference on", error);
        Assert.Equal(["shapes.onnx"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("--class-agnostic")]
    [InlineData("--multi-label")]
    public async Task Eval_CalibrateWithAnotherScoring_FailsNamingTheConflict(string option)
    {
        using var dir = new TempDir();
        var (code, error) = await CliRunner.RunAsync("eval", "--model", dir.File("m.onnx"), "--data", dir.File("data"), "--calibrate", option);

        Assert.Equal(2, code);
        Assert.Contains("Calibrate and", error);
        Assert.Contains(option, error);
    }

    [Fact]
    public async Task Eval_NoFit_BundledYoloRunsAtItsCardsSizeAndSaysSo()
    {
        var (fitCode, _, fitError) = await RunWithOutputAsync(
            "eval", "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), "--data", RepoPaths.Path("videos", "shapes-sample.mp4"), "--device", "cpu");
        var (code, _, error) = await RunWithOutputAsync(
            "eval", "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), "--data", RepoPaths.Path("videos", "shapes-sample.mp4"), "--device", "cpu", "--no-fit");

        Assert.True(fitCode == 0, fitError);
        Assert.Contains("fitted to each source's shape within 512x384 pixels", fitError);
        Assert.True(code == 0, error);
        Assert.Contains("input 512x384,", error);
    }

    [Fact]
    public async Task Eval_VideoWithSplit_FailsSayingAVideoHasNone()
    {
        var (code, error) = await CliRunner.RunAsync(
            "eval", "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), "--data", RepoPaths.Path("videos", "shapes-sample.mp4"), "--split", "test");

        Assert.Equal(2, code);
        Assert.Contains("a video has no splits", error);
    }

    [Fact]
    public async Task Eval_VideoWithoutTruth_FailsNamingTheTruthFile()
    {
        using var dir = new TempDir();
        var video = dir.File("clip.mp4");
        File.Copy(RepoPaths.Path("videos", "shapes-sample.mp4"), video);

        var (code, error) = await CliRunner.RunAsync("eval", "--model", RepoPaths.Path("models", "lookout-yolo-shapes.onnx"), "--data", video);

        Assert.Equal(2, code);
        Assert.Contains(dir.File("clip.jsonl"), error);
        Assert.Contains("--truth", error);
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    /// <summary>A VOC dataset of the shared face photos labelled with UltraFace's reference detections above 0.7.</summary>
    private static string WriteFacesVoc(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        var ids = new List<string>();
        foreach (var image in Directory.GetFiles(SharedAssets.Path("media", "faces"), "*.jpg").Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileNameWithoutExtension(image);
            File.Copy(image, Path.Combine(root, "JPEGImages", id + ".jpg"));
            using var mat = Cv2.ImRead(image);
            using var reference = JsonDocument.Parse(File.ReadAllText(SharedAssets.Path("media", "reference", $"ultraface-rfb-320.{id}.json")));
            var objects = reference.RootElement.EnumerateArray()
                .Where(d => d.GetProperty("score").GetDouble() > 0.7)
                .Select(d =>
                {
                    var b = d.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                    return new AnnotatedObject(0, "face", new BoxF(b[0], b[1], b[2], b[3]));
                });
            VocWriter.WriteAnnotation(Path.Combine(root, "Annotations", id + ".xml"), id + ".jpg", mat.Width, mat.Height, objects);
            ids.Add(id);
        }

        VocWriter.WriteSplit(root, "test", ids);
        return root;
    }

    private static string RepoCards()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var cards = Path.Combine(d.FullName, "models", "cards");
            if (Directory.Exists(cards))
            {
                return cards;
            }
        }

        throw new DirectoryNotFoundException("models/cards not found above the test assembly.");
    }

    private static async Task<(int Code, string Output, string Error)> RunWithOutputAsync(params string[] args)
    {
        var previous = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            var (code, error) = await CliRunner.RunAsync(args);
            return (code, captured.ToString(), error);
        }
        finally
        {
            Console.SetOut(previous);
        }
    }

    [GeneratedRegex(@"^mAP50=([0-9.]+) mAP50-95=([0-9.]+)$")]
    private static partial Regex SummaryLine();
}
