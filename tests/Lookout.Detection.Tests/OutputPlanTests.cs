namespace Lookout.Detection.Tests;

public sealed class OutputPlanTests
{
    private const string CardText = "Model card 'net.json'";
    private const string ModelText = "model 'net.onnx'";

    [Fact]
    public void Resolve_Yolov8ChannelsFirst_ReadsAnchorsFromLastDimension()
    {
        OutputPlan plan = Resolve(Card(ModelLayout.Yolov8, 80), ["output0"], [[1, 84, 8400]]);

        Assert.True(plan.ChannelsFirst);
        Assert.Equal(8400, plan.Count);
        Assert.Equal(80, plan.Classes);
    }

    [Fact]
    public void Resolve_Yolov8Transposed_ReadsAnchorsFromMiddleDimension()
    {
        OutputPlan plan = Resolve(Card(ModelLayout.Yolov8, 80), ["output0"], [[1, 8400, 84]]);

        Assert.False(plan.ChannelsFirst);
        Assert.Equal(8400, plan.Count);
    }

    [Fact]
    public void Resolve_Yolov8WrongLabelCount_ThrowsNamingCardAndModel()
    {
        var ex = Assert.Throws<ModelException>(() => Resolve(Card(ModelLayout.Yolov8, 3), ["output0"], [[1, 84, 8400]]));

        Assert.Contains("net.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("net.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[1,84,8400]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("80 classes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_YoloLayoutOnRankTwoOutput_ThrowsListingOutputs()
    {
        var ex = Assert.Throws<ModelException>(() => Resolve(Card(ModelLayout.Yolov5, 2), ["logits"], [[1, 7]]));

        Assert.Contains("'logits' [1,7]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("net.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_Yolov5_ExpectsFivePlusClassesChannels()
    {
        OutputPlan plan = Resolve(Card(ModelLayout.Yolov5, 80), ["output"], [[1, 25200, 85]]);

        Assert.Equal(25200, plan.Count);
        Assert.Throws<ModelException>(() => Resolve(Card(ModelLayout.Yolov5, 80), ["output"], [[1, 25200, 84]]));
    }

    [Fact]
    public void Resolve_YoloxRowsDisagreeWithStrides_ThrowsNamingStrides()
    {
        ModelCard card = Card(ModelLayout.Yolox, 80, 416, 416);

        Assert.Equal(3549, Resolve(card, ["output"], [[1, 3549, 85]]).Count);
        var ex = Assert.Throws<ModelException>(() => Resolve(card, ["output"], [[1, 8400, 85]]));
        Assert.Contains("strides", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SsdByName_FindsBoxesAndScoresInAnyOrder()
    {
        OutputPlan plan = Resolve(Card(ModelLayout.Ssd, 1), ["scores", "boxes"], [[1, 4420, 2], [1, 4420, 4]]);

        Assert.Equal(1, plan.Primary);
        Assert.Equal(0, plan.Secondary);
        Assert.Equal(4420, plan.Count);
        Assert.Equal(1, plan.Classes);
    }

    [Fact]
    public void Resolve_SsdUnnamed_TellsBoxesFromScoresByShape()
    {
        OutputPlan plan = Resolve(Card(ModelLayout.Ssd, 20), ["a", "b"], [[1, 3000, 21], [1, 3000, 4]]);

        Assert.Equal(1, plan.Primary);
        Assert.Equal(0, plan.Secondary);
    }

    [Fact]
    public void Resolve_SsdLabelCountWithoutBackground_ThrowsWithModelClassCount()
    {
        var ex = Assert.Throws<ModelException>(
            () => Resolve(Card(ModelLayout.Ssd, 3), ["scores", "boxes"], [[1, 4420, 2], [1, 4420, 4]]));

        Assert.Contains("3 labels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1 classes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("net.onnx", ex.Message, StringComparison.Ordinal);
    }

    private static OutputPlan Resolve(ModelCard card, string[] names, long[][] shapes) =>
        OutputPlan.Resolve(card, names, shapes, CardText, ModelText);

    private static ModelCard Card(ModelLayout layout, int classes, int width = 640, int height = 640) => new()
    {
        Name = "net",
        Layout = layout,
        Input = new ModelInputSpec { Width = width, Height = height },
        Labels = Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray(),
    };
}
