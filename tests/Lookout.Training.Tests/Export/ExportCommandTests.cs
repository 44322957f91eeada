using System.Text.Json;
using Lookout.Training.Cli;
using Lookout.Training.Models;
using Lookout.Training.Training;
using Microsoft.ML.OnnxRuntime;

namespace Lookout.Training.Tests.Export;

/// <summary><c>lookout-train export</c>'s input size: a square side or, for the YOLO, width × height.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lookout-export-cli-" + Guid.NewGuid().ToString("N"));

    public ExportCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Export_YoloWithWidthByHeight_ModelAndCardTakeThatInput()
    {
        var checkpoint = SaveCheckpoint(DetectorArch.Yolo);
        var model = Path.Combine(_root, "wide.onnx");

        var code = Run("--checkpoint", checkpoint, "--out", model, "--arch", "yolo", "--width", "8", "--imgsz", "160x96");

        Assert.Equal(0, code);
        using var session = new InferenceSession(model);
        Assert.Equal([1, 3, 96, 160], session.InputMetadata["images"].Dimensions);
        // Grid points at strides 8, 16, 32 over a 160×96 input.
        Assert.Equal([1, 10, 20 * 12 + 10 * 6 + 5 * 3], session.OutputMetadata["output0"].Dimensions);
        using var card = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".json")));
        Assert.Equal(160, card.RootElement.GetProperty("input").GetProperty("width").GetInt32());
        Assert.Equal(96, card.RootElement.GetProperty("input").GetProperty("height").GetInt32());
        Assert.Equal(0.25, card.RootElement.GetProperty("score_threshold").GetDouble(), 6);
        Assert.Equal(0.45, card.RootElement.GetProperty("iou_threshold").GetDouble(), 6);
    }

    [Fact]
    public void Export_YoloWithFit_ModelTakesAnySizeAndCardSaysFit()
    {
        var checkpoint = SaveCheckpoint(DetectorArch.Yolo);
        var model = Path.Combine(_root, "fit.onnx");

        var code = Run("--checkpoint", checkpoint, "--out", model, "--arch", "yolo", "--width", "8", "--imgsz", "160x96", "--fit");

        Assert.Equal(0, code);
        using var session = new InferenceSession(model);
        Assert.Equal([1, 3, -1, -1], session.InputMetadata["images"].Dimensions);
        using var card = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".json")));
        var input = card.RootElement.GetProperty("input");
        Assert.True(input.GetProperty("fit").GetBoolean());
        Assert.Equal(32, input.GetProperty("multiple").GetInt32());
        Assert.Equal(160, input.GetProperty("width").GetInt32());
        Assert.Equal(96, input.GetProperty("height").GetInt32());
    }

    [Fact]
    public void Export_SsdWithFit_UsageErrorSayingWhy()
    {
        var checkpoint = SaveCheckpoint(DetectorArch.Ssd);

        var error = Assert.Throws<UsageException>(() => Run("--checkpoint", checkpoint, "--out", Path.Combine(_root, "m.onnx"), "--arch", "ssd", "--width", "8", "--imgsz", "128", "--fit"));

        Assert.Contains("--fit is for --arch yolo", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "m.onnx")));
    }

    [Fact]
    public void Export_OutInAFolderNotYetThere_CreatesItAndWritesModelAndCard()
    {
        var checkpoint = SaveCheckpoint(DetectorArch.Yolo);
        var model = Path.Combine(_root, "new", "deeper", "m.onnx");

        var code = Run("--checkpoint", checkpoint, "--out", model, "--width", "8", "--imgsz", "128");

        Assert.Equal(0, code);
        Assert.True(File.Exists(model));
        Assert.True(File.Exists(Path.ChangeExtension(model, ".json")));
    }

    [Fact]
    public void Export_ScoreAndIou_WrittenAsTheCardsThresholds()
    {
        var checkpoint = SaveCheckpoint(DetectorArch.Yolo);
        var model = Path.Combine(_root, "m.onnx");

        var code = Run("--checkpoint", checkpoint, "--out", model, "--arch", "yolo", "--width", "8", "--imgsz", "128", "--score", "0.4", "--iou", "0.3");

        Assert.Equal(0, code);
        using var card = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".json")));
        Assert.Equal(0.4, card.RootElement.GetProperty("score_threshold").GetDouble(), 6);
        Assert.Equal(0.3, card.RootElement.GetProperty("iou_threshold").GetDouble(), 6);
    }

    [Theory]
    [InlineData("ssd", "192x96", "--imgsz 96 must be a multiple of 64")]
    [InlineData("yolo", "160x100", "--imgsz 100 must be a multiple of 32")]
    [InlineData("yolo", "160x", "--imgsz '160x' must be a side (N) or width and height (WxH)")]
    public void Export_BadImgsz_UsageErrorNamingIt(string arch, string imgsz, string expected)
    {
        var checkpoint = SaveCheckpoint(arch);

        var error = Assert.Throws<UsageException>(() => Run("--checkpoint", checkpoint, "--out", Path.Combine(_root, "m.onnx"), "--arch", arch, "--width", "8", "--imgsz", imgsz));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "m.onnx")));
    }

    [Fact]
    public void Export_RunWithPatchStemAndChannels_BuildsThatNetworkFromRunJson()
    {
        TorchRuntime.Initialize();
        var run = Path.Combine(_root, "run");
        Directory.CreateDirectory(run);
        var shape = BackboneShape.Create(8, "patch", [16, 24, 40, 48, 16], stride4Blocks: 0, neck: "fpn");
        using (var detector = DetectorArch.Create(DetectorArch.Yolo, 6, shape, 128))
        {
            detector.Module.save(Path.Combine(run, "best.ckpt"));
        }

        new RunInfo { Arch = DetectorArch.Yolo, Imgsz = 128, Width = 8, Stem = "patch", Channels = [16, 24, 40, 48, 16], Stride4Blocks = 0, Neck = "fpn" }.Write(run);
        var model = Path.Combine(_root, "patch.onnx");

        // Loading the checkpoint into any other shape fails, so success means run.json's shape was built.
        var code = Run("--checkpoint", Path.Combine(run, "best.ckpt"), "--out", model);

        Assert.Equal(0, code);
        using var session = new InferenceSession(model);
        Assert.Equal([1, 3, 128, 128], session.InputMetadata["images"].Dimensions);
        using var card = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".json")));
        Assert.Contains("4x4 stride-4 patch stem, 0 stride-1 blocks at stride 4, channels 16/24/40/48 at strides 4/8/16/32, top-down FPN neck", card.RootElement.GetProperty("architecture").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--stem", "pixel", "--stem 'pixel' must be conv, patch2 or patch")]
    [InlineData("--channels", "16,24,40,48", "--channels '16,24,40,48' must be five whole numbers from 4 to 1024")]
    [InlineData("--channels", "16,24,40,48,2", "--channels '16,24,40,48,2' must be five whole numbers from 4 to 1024")]
    [InlineData("--stride4-blocks", "3", "--stride4-blocks '3' must be a whole number from 0 to 2")]
    [InlineData("--neck", "pan", "--neck 'pan' must be none or fpn")]
    [InlineData("--detail", "300", "--detail '300' must be a whole number from 0 to 256")]
    [InlineData("--detail-from", "3", "--detail-from '3' must be 2 (the stem's output) or 4")]
    [InlineData("--detail-from", "2", "--detail-from names where the detail reads; give --detail N too")]
    public void Export_BadStemOrChannels_UsageErrorNamingIt(string option, string value, string expected)
    {
        var checkpoint = SaveCheckpoint(DetectorArch.Yolo);

        var error = Assert.Throws<UsageException>(() => Run("--checkpoint", checkpoint, "--out", Path.Combine(_root, "m.onnx"), "--width", "8", option, value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "m.onnx")));
    }

    [Theory]
    [InlineData("yolo", "yolov8", 4)]
    [InlineData("ssd", "ssd", 4)]
    [InlineData("yolo", "yolov8", 2)]
    [InlineData("ssd", "ssd", 2)]
    public void Export_RunWithPatch2StemAndDetail_BuildsThatNetworkFromRunJson(string arch, string layout, int detailFrom)
    {
        TorchRuntime.Initialize();
        var run = Path.Combine(_root, $"{arch}-{detailFrom}-run");
        Directory.CreateDirectory(run);
        using (var detector = DetectorArch.Create(arch, 6, BackboneShape.Create(8, "patch2", null, detail: 8, detailFrom: detailFrom), 128))
        {
            detector.Module.save(Path.Combine(run, "best.ckpt"));
        }

        new RunInfo { Arch = arch, Imgsz = 128, Width = 8, Stem = "patch2", Detail = 8, DetailFrom = detailFrom == 2 ? 2 : null }.Write(run);
        var model = Path.Combine(_root, $"{arch}-detail{detailFrom}.onnx");

        var code = Run("--checkpoint", Path.Combine(run, "best.ckpt"), "--out", model);

        Assert.Equal(0, code);
        using var card = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".json")));
        Assert.Equal(layout, card.RootElement.GetProperty("layout").GetString());
        var architecture = card.RootElement.GetProperty("architecture").GetString();
        Assert.Contains("2x2 stride-2 patch stem of 8", architecture, StringComparison.Ordinal);
        Assert.Contains($"stride-{detailFrom} detail of 8 beside the stride-8 head's input", architecture, StringComparison.Ordinal);
    }

    private static int Run(params string[] args) => TrainCommand.Export(new Arguments(args, TrainCommand.ExportFlags), TextWriter.Null);

    private string SaveCheckpoint(string arch)
    {
        TorchRuntime.Initialize();
        var path = Path.Combine(_root, arch + ".ckpt");
        using var detector = DetectorArch.Create(arch, 6, 8, 128);
        detector.Module.save(path);
        return path;
    }
}
