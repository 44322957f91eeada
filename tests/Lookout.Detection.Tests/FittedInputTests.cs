using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary>
/// <c>input.fit</c>: the input's sides follow each source's aspect ratio within the card's pixel count
/// (<see cref="ModelInputSpec.FitTo"/>), on a model exported with a dynamic height and width (the bundled YOLO).
/// </summary>
public sealed class FittedInputTests : IDisposable
{
    private static readonly ModelInputSpec Fit512x384 = new() { Width = 512, Height = 384, Fit = true };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1280, 720, 576, 320)] // 16:9: scale 0.444 where the 512x384 letterbox gives 0.4
    [InlineData(640, 360, 576, 320)]
    [InlineData(640, 480, 512, 384)] // 4:3: the card's own size
    [InlineData(512, 512, 416, 416)] // square: 0.8125 where 512x384 gives 0.75
    [InlineData(480, 640, 384, 512)] // portrait
    [InlineData(100, 50, 608, 320)] // a small source is enlarged as the letterbox would
    public void FitTo_SourceAspect_LargestScaleWithinTheCardsPixels(int sourceWidth, int sourceHeight, int width, int height)
    {
        Assert.Equal((width, height), Fit512x384.FitTo(sourceWidth, sourceHeight));
    }

    [Fact]
    public void FitTo_ManySources_NeverMorePixelsAndNeverASmallerScaleThanTheCardsSize()
    {
        for (int w = 40; w <= 2000; w += 37)
        {
            for (int h = 40; h <= 2000; h += 53)
            {
                (int width, int height) = Fit512x384.FitTo(w, h);
                Assert.True(width * height <= 512 * 384, $"{w}x{h} → {width}x{height}");
                Assert.True(width % 32 == 0 && height % 32 == 0, $"{w}x{h} → {width}x{height}");
                double scale = Math.Min((double)width / w, (double)height / h);
                Assert.True(scale >= Math.Min(512.0 / w, 384.0 / h) - 1e-12, $"{w}x{h} → {width}x{height} at {scale}");

                // Trimmed: one multiple less on either side would not hold the letterboxed source at that scale.
                InputTransform placed = InputTransform.Create(w, h, width, height, ResizeMode.Letterbox, LetterboxAlign.Center);
                Assert.True(width - placed.ResizedWidth <= 32 && height - placed.ResizedHeight <= 32, $"{w}x{h} → {width}x{height}");
            }
        }
    }

    [Fact]
    public void FitTo_FitOff_AlwaysTheCardsSize()
    {
        var spec = new ModelInputSpec { Width = 512, Height = 384 };

        Assert.Equal((512, 384), spec.FitTo(1280, 720));
        Assert.Equal((512, 384), spec.FitTo(512, 512));
    }

    [Fact]
    public void Parse_FitAndMultiple_ReadAndWrittenBack()
    {
        ModelCard card = ModelCard.Parse(
            """{"layout": "yolov8", "input": {"width": 512, "height": 384, "fit": true, "multiple": 64, "color": "rgb", "scale": 1}, "labels": ["a"]}""",
            "/models/net.json");

        Assert.True(card.Input.Fit);
        Assert.Equal(64, card.Input.Multiple);
        ModelCard again = ModelCard.Parse(card.ToJson(), "/models/net.json");
        Assert.True(again.Input.Fit);
        Assert.Equal(64, again.Input.Multiple);
        Assert.Equal((384, 384), again.Input.FitTo(1000, 1000)); // 416x416 with multiples of 32
    }

    [Theory]
    [InlineData("\"fit\": \"yes\"", "input.fit")]
    [InlineData("\"fit\": true, \"multiple\": 0", "input.multiple")]
    public void Parse_BadFitValue_ThrowsNamingField(string field, string name)
    {
        var ex = Assert.Throws<ModelException>(() => ModelCard.Parse(
            $$"""{"layout": "yolov8", "input": {"width": 512, "height": 384, {{field}}, "color": "rgb", "scale": 1}, "labels": ["a"]}""",
            "/models/net.json"));

        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_BundledYoloOnA16By9Frame_SameAsTheModelFixedAtTheFittedSize()
    {
        using OnnxDetector fitted = Open(RepoAssets.Model("lookout-yolo-shapes.json"));
        using OnnxDetector fixedSize = Open(WriteCard(fit: false, width: 576, height: 320));
        using Mat frame = RepoAssets.SampleFrame();

        Assert.Equal((576, 320), fitted.InputSizeFor(frame.Width, frame.Height));
        Detection[] expected = fixedSize.Detect(frame);
        Detection[] actual = fitted.Detect(frame);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].ClassId, actual[i].ClassId);
            Assert.Equal(expected[i].Score, actual[i].Score, 5);
            Assert.Equal(expected[i].Box.X1, actual[i].Box.X1, 3);
            Assert.Equal(expected[i].Box.Y2, actual[i].Box.Y2, 3);
        }
    }

    [Fact]
    public void Detect_MoreSourceSizesThanKept_EvictsTheOldestAndDetectsTheSame()
    {
        using OnnxDetector detector = Open(RepoAssets.Model("lookout-yolo-shapes.json"));
        using Mat frame = RepoAssets.SampleFrame();
        Detection[] first = detector.Detect(frame);

        // Sources whose fitted inputs all differ: more of them than the detector keeps sessions for.
        var sizes = new HashSet<(int, int)>();
        for (int width = 200; sizes.Count <= OnnxDetector.MaxSizedRuns; width += 40)
        {
            using var source = new Mat(300, width, MatType.CV_8UC3, Scalar.All(114));
            sizes.Add(detector.InputSizeFor(source.Width, source.Height));
            detector.Detect(source);
        }

        Detection[] again = detector.Detect(frame);

        Assert.Equal(first.Select(d => (d.ClassId, d.Score)), again.Select(d => (d.ClassId, d.Score)));
    }

    [Fact]
    public void Detect_FittedSteadyState_AllocatesOnlyTheResult()
    {
        using OnnxDetector detector = Open(RepoAssets.Model("lookout-yolo-shapes.json"));
        using Mat frame = RepoAssets.SampleFrame();
        using var square = new Mat(512, 512, MatType.CV_8UC3, Scalar.All(114));
        detector.Detect(square);
        detector.Detect(frame);
        detector.Detect(frame);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Detection[] result = detector.Detect(frame, out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        long resultBytes = 32 + (result.Length * 40);
        Assert.True(allocated <= resultBytes, $"Detect allocated {allocated} bytes for {result.Length} detections");
    }

    [Fact]
    public void Open_FitOnAFixedSizeModel_ThrowsNamingCardAndWhatToDo()
    {
        string model = _temp.File("ssd.onnx");
        File.Copy(RepoAssets.Model("lookout-ssd-shapes.onnx"), model);
        var card = JsonNode.Parse(File.ReadAllText(RepoAssets.Model("lookout-ssd-shapes.json")))!;
        card["input"]!["fit"] = true;
        string cardPath = _temp.Write("ssd.json", card.ToJsonString());

        var ex = Assert.Throws<ModelException>(() => OnnxDetector.Open(new DetectorOptions { ModelPath = model, CardPath = cardPath, Device = ExecutionDevice.Cpu }));

        Assert.Contains("input.fit", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ssd.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("dynamic height and width", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FitOptionOnAFixedSizeModel_ThrowsSayingHowToTurnItOff()
    {
        var ex = Assert.Throws<ModelException>(() => OnnxDetector.Open(new DetectorOptions { ModelPath = RepoAssets.Model("lookout-ssd-shapes.onnx"), Fit = true, Device = ExecutionDevice.Cpu }));

        Assert.Contains("Detector:Fit", ex.Message, StringComparison.Ordinal);
        Assert.Contains("fixed at [1,3,320,448]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FitOptionOff_EverySourceAtTheCardsSize()
    {
        using OnnxDetector detector = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"), Fit = false, Device = ExecutionDevice.Cpu });
        using Mat frame = RepoAssets.SampleFrame();

        Assert.Equal((512, 384), detector.InputSizeFor(1280, 720));
        Assert.NotEmpty(detector.Detect(frame));
    }

    [Fact]
    public void Open_FitOptionOnACardWithoutIt_FitsEachSource()
    {
        using OnnxDetector detector = OnnxDetector.Open(new DetectorOptions { ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"), CardPath = WriteCard(fit: false, width: 512, height: 384), Fit = true, Device = ExecutionDevice.Cpu });

        Assert.Equal((576, 320), detector.InputSizeFor(1280, 720));
    }

    [Fact]
    public void Fix_BundledYolo_InputTakesThatSizeOnly()
    {
        byte[] model = File.ReadAllBytes(RepoAssets.Model("lookout-yolo-shapes.onnx"));

        byte[] fixedModel = OnnxInputShape.Fix(model, "images", 320, 576);

        using var session = new InferenceSession(fixedModel);
        Assert.Equal([1, 3, 320, 576], session.InputMetadata["images"].Dimensions);
        Assert.Equal([1, 10, (72 * 40) + (36 * 20) + (18 * 10)], session.OutputMetadata["output0"].Dimensions);
    }

    private static OnnxDetector Open(string cardPath) => OnnxDetector.Open(new DetectorOptions
    {
        ModelPath = RepoAssets.Model("lookout-yolo-shapes.onnx"),
        CardPath = cardPath,
        Device = ExecutionDevice.Cpu,
        IntraOpThreads = 2,
    });

    private string WriteCard(bool fit, int width, int height)
    {
        var card = JsonNode.Parse(File.ReadAllText(RepoAssets.Model("lookout-yolo-shapes.json")))!;
        card["input"]!["fit"] = fit;
        card["input"]!["width"] = width;
        card["input"]!["height"] = height;
        return _temp.Write("yolo.json", card.ToJsonString());
    }
}
