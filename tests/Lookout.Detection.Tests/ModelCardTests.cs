namespace Lookout.Detection.Tests;

public sealed class ModelCardTests : IDisposable
{
    private const string FullCard = """
        {
          "name": "demo",
          "layout": "yolox",
          "input": {
            "width": 416, "height": 320, "color": "bgr", "scale": 0.5,
            "mean": [1, 2, 3], "std": [4, 5, 6],
            "resize": "letterbox", "align": "topleft", "pad": 0
          },
          "labels": ["cat", "dog"],
          "score_threshold": 0.3,
          "iou_threshold": 0.6,
          "strides": [8, 16],
          "training": { "epochs": 10, "dataset": "voc" }
        }
        """;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_FullCard_ReadsEveryField()
    {
        ModelCard card = ModelCard.Load(_temp.Write("demo.json", FullCard));

        Assert.Equal("demo", card.Name);
        Assert.Equal(ModelLayout.Yolox, card.Layout);
        Assert.Equal(416, card.Input.Width);
        Assert.Equal(320, card.Input.Height);
        Assert.Equal(ColorOrder.Bgr, card.Input.Color);
        Assert.Equal(0.5f, card.Input.Scale);
        Assert.Equal([1f, 2f, 3f], card.Input.Mean);
        Assert.Equal([4f, 5f, 6f], card.Input.Std);
        Assert.Equal(ResizeMode.Letterbox, card.Input.Resize);
        Assert.Equal(LetterboxAlign.TopLeft, card.Input.Align);
        Assert.Equal(0, card.Input.Pad);
        Assert.Equal(["cat", "dog"], card.Labels);
        Assert.Equal(0.3f, card.ScoreThreshold);
        Assert.Equal(0.6f, card.IouThreshold);
        Assert.Equal([8, 16], card.Strides);
        Assert.Equal(_temp.File("demo.json"), card.SourcePath);
    }

    [Fact]
    public void Parse_MinimalCard_AppliesDefaults()
    {
        ModelCard card = ModelCard.Parse(
            """{"layout": "yolov8", "input": {"width": 640, "height": 640, "color": "rgb", "scale": 0.00392157}, "labels": ["a"]}""",
            "/models/net.json");

        Assert.Equal("net", card.Name);
        Assert.Equal([0f, 0f, 0f], card.Input.Mean);
        Assert.Equal([1f, 1f, 1f], card.Input.Std);
        Assert.Equal(ResizeMode.Letterbox, card.Input.Resize);
        Assert.Equal(LetterboxAlign.Center, card.Input.Align);
        Assert.Equal(114, card.Input.Pad);
        Assert.Equal(ModelCard.DefaultScoreThreshold, card.ScoreThreshold);
        Assert.Equal(ModelCard.DefaultIouThreshold, card.IouThreshold);
        Assert.Equal([8, 16, 32], card.Strides);
    }

    [Theory]
    [InlineData("layout")]
    [InlineData("input.width")]
    [InlineData("input.color")]
    [InlineData("input.scale")]
    public void Load_MissingRequiredField_ThrowsNamingFileAndField(string field)
    {
        string json = field switch
        {
            "layout" => FullCard.Replace("\"layout\": \"yolox\",", "", StringComparison.Ordinal),
            "input.width" => FullCard.Replace("\"width\": 416,", "", StringComparison.Ordinal),
            "input.color" => FullCard.Replace("\"color\": \"bgr\",", "", StringComparison.Ordinal),
            _ => FullCard.Replace("\"scale\": 0.5,", "", StringComparison.Ordinal),
        };
        string path = _temp.Write("broken-card.json", json);

        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(path));

        Assert.Contains("broken-card.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingLabels_ThrowsNamingBothWaysToGiveThem()
    {
        string path = _temp.Write("nolabels.json", FullCard.Replace("\"labels\": [\"cat\", \"dog\"],", "", StringComparison.Ordinal));

        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(path));

        Assert.Contains("nolabels.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'labels'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'labels_file'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"layout\": \"yolox\"", "\"layout\": \"yolov9\"", "layout")]
    [InlineData("\"color\": \"bgr\"", "\"color\": \"gray\"", "input.color")]
    [InlineData("\"resize\": \"letterbox\"", "\"resize\": \"crop\"", "input.resize")]
    [InlineData("\"align\": \"topleft\"", "\"align\": \"middle\"", "input.align")]
    public void Load_BadEnumValue_ThrowsListingAllowedValues(string from, string to, string field)
    {
        string path = _temp.Write("badenum.json", FullCard.Replace(from, to, StringComparison.Ordinal));

        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(path));

        Assert.Contains("badenum.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must be one of", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"mean\": [1, 2, 3]", "\"mean\": [1, 2]", "input.mean")]
    [InlineData("\"std\": [4, 5, 6]", "\"std\": [4, 0, 6]", "input.std")]
    [InlineData("\"width\": 416", "\"width\": -416", "input.width")]
    [InlineData("\"pad\": 0", "\"pad\": 300", "input.pad")]
    [InlineData("\"score_threshold\": 0.3", "\"score_threshold\": 3", "score_threshold")]
    [InlineData("\"strides\": [8, 16]", "\"strides\": [8, 0]", "strides")]
    [InlineData("\"labels\": [\"cat\", \"dog\"]", "\"labels\": [\"cat\", 2]", "labels[1]")]
    public void Load_BadValue_ThrowsNamingField(string from, string to, string field)
    {
        string path = _temp.Write("badvalue.json", FullCard.Replace(from, to, StringComparison.Ordinal));

        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(path));

        Assert.Contains("badvalue.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidJson_ThrowsNamingFile()
    {
        string path = _temp.Write("garbage.json", "{\"layout\": ");

        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(path));

        Assert.Contains("garbage.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingFile()
    {
        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(_temp.File("absent.json")));

        Assert.Contains("absent.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelsFile_ReadsNamesBesideCard()
    {
        _temp.Write("classes.txt", "cat\n\n  dog  \r\nteddy bear\n");
        string path = _temp.Write("withfile.json", WithLabelsFile("classes.txt"));

        ModelCard card = ModelCard.Load(path);

        Assert.Equal(["cat", "dog", "teddy bear"], card.Labels);
    }

    [Fact]
    public void Load_LabelsFileOnlyInFallbackFolder_ReadsItThere()
    {
        using var modelFolder = new TempDirectory();
        modelFolder.Write("classes.txt", "a\nb\n");
        string path = _temp.Write("card.json", WithLabelsFile("classes.txt"));

        ModelCard card = ModelCard.Load(path, modelFolder.Path);

        Assert.Equal(["a", "b"], card.Labels);
    }

    [Fact]
    public void Load_LabelsFileMissing_ThrowsNamingCardAndLabelsFile()
    {
        string path = _temp.Write("card.json", WithLabelsFile("nowhere.names"));

        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(path));

        Assert.Contains("card.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nowhere.names", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BothLabelsAndLabelsFile_Throws()
    {
        string path = _temp.Write("both.json", FullCard.Replace("\"labels\":", "\"labels_file\": \"x.txt\", \"labels\":", StringComparison.Ordinal));

        var ex = Assert.Throws<ModelException>(() => ModelCard.Load(path));

        Assert.Contains("both.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_LoadedCard_RoundTrips()
    {
        ModelCard card = ModelCard.Load(_temp.Write("demo.json", FullCard));

        ModelCard again = ModelCard.Parse(card.ToJson(), "again.json");

        Assert.Equal(card.Layout, again.Layout);
        Assert.Equal(card.Input.Width, again.Input.Width);
        Assert.Equal(card.Input.Color, again.Input.Color);
        Assert.Equal(card.Input.Mean, again.Input.Mean);
        Assert.Equal(card.Input.Align, again.Input.Align);
        Assert.Equal(card.Labels, again.Labels);
        Assert.Equal(card.ScoreThreshold, again.ScoreThreshold);
        Assert.Equal(card.Strides, again.Strides);
    }

    private static string WithLabelsFile(string file) =>
        FullCard.Replace("\"labels\": [\"cat\", \"dog\"]", $"\"labels_file\": \"{file}\"", StringComparison.Ordinal);
}
