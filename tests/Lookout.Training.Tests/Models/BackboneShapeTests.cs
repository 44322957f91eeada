using Lookout.Training.Models;
using Lookout.Training.Training;
using static TorchSharp.torch;

namespace Lookout.Training.Tests.Models;

public sealed class BackboneShapeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lookout-backbone-" + Guid.NewGuid().ToString("N"));

    public BackboneShapeTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Create_NoStemOrChannels_KeepsTheWidthsProportions()
    {
        var shape = BackboneShape.Create(16, null, null);

        Assert.Equal(new BackboneShape("conv", 16, 32, 48, 96, 128, 64), shape);
    }

    [Fact]
    public void Create_PatchStemAndChannels_TakesThem()
    {
        var shape = BackboneShape.Create(16, "patch", [32, 64, 128, 160, 64]);

        Assert.Equal("patch", shape.Stem);
        Assert.Equal([32, 64, 128, 160, 64], shape.Channels);
    }

    [Fact]
    public void Build_Patch2Stem_TwoByTwoStrideTwoConvolutionWithoutPadding()
    {
        TorchRuntime.Initialize();
        var (stem, stage2, stage3, stage4, stage5) = BackboneShape.Create(8, "patch2", null).Build();
        stem.eval();
        using var input = rand(1, 3, 6, 10);

        using var output = stem.forward(input);

        Assert.Equal([1, 8, 3, 5], output.shape);
        Assert.Equal([8, 3, 2, 2], stem.parameters().First().shape);
        foreach (var module in new TorchSharp.torch.nn.Module[] { stem, stage2, stage3, stage4, stage5 })
        {
            module.Dispose();
        }
    }

    [Theory]
    [InlineData("pixel", null, null)]
    [InlineData(null, new[] { 16, 24, 40, 48 }, null)]
    [InlineData(null, new[] { 16, 24, 40, 48, 2000 }, null)]
    [InlineData(null, null, 3)]
    [InlineData(null, null, -1)]
    public void Create_UnknownStemOrBadChannelsOrBlocks_Throws(string? stem, int[]? channels, int? stride4Blocks)
    {
        Assert.Throws<ArgumentException>(() => BackboneShape.Create(8, stem, channels, stride4Blocks));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(257)]
    public void Create_DetailOutOfRange_Throws(int detail)
    {
        Assert.Throws<ArgumentException>(() => BackboneShape.Create(8, null, null, detail: detail));
    }

    [Theory]
    [InlineData("patch2", 3)]
    [InlineData("patch2", 8)]
    [InlineData("patch", 2)]
    public void Create_DetailFromNotStride2Or4OrPatchStemFrom2_Throws(string stem, int detailFrom)
    {
        Assert.Throws<ArgumentException>(() => BackboneShape.Create(8, stem, null, detail: 8, detailFrom: detailFrom));
    }

    [Fact]
    public void Forward_DetailFromStride2_ReadsTheStemThroughA4x4Stride4Convolution()
    {
        TorchRuntime.Initialize();
        using var fromFour = new YoloShapesNet(6, BackboneShape.Create(8, "patch2", null, detail: 8), inputSize: 64);
        using var net = new YoloShapesNet(6, BackboneShape.Create(8, "patch2", null, detail: 8, detailFrom: 2), inputSize: 64);
        net.eval();
        using var input = rand(2, 3, 96, 160);

        var (distances, logits) = net.forward(input);

        Assert.Equal([2, 4, 20 * 12 + 10 * 6 + 5 * 3], distances.shape);
        Assert.Equal([2, 6, 20 * 12 + 10 * 6 + 5 * 3], logits.shape);
        // 4×4×8 (the stem's 8 channels at width 8) → 8 against 2×2×16 (stride 4) → 8; the head is the same.
        Assert.Equal(Count(fromFour) - 2 * 2 * 16 * 8 + 4 * 4 * 8 * 8, Count(net));
        Assert.Contains("stride-2 detail of 8", net.Shape.Describe(), StringComparison.Ordinal);
        distances.Dispose();
        logits.Dispose();

        static long Count(YoloShapesNet n) => n.parameters().Sum(p => p.numel());
    }

    [Fact]
    public void Forward_Detail_SameGridPointsAndMoreParametersInTheStride8Head()
    {
        TorchRuntime.Initialize();
        using var plain = new YoloShapesNet(6, BackboneShape.Create(8, "patch2", null), inputSize: 64);
        using var net = new YoloShapesNet(6, BackboneShape.Create(8, "patch2", null, detail: 8), inputSize: 64);
        net.eval();
        using var input = rand(2, 3, 96, 160);

        var (distances, logits) = net.forward(input);

        Assert.Equal([2, 4, 20 * 12 + 10 * 6 + 5 * 3], distances.shape);
        Assert.Equal([2, 6, 20 * 12 + 10 * 6 + 5 * 3], logits.shape);
        // The detail convolution (2×2×16 → 8, BatchNorm) and 8 more input channels in head 0 (depthwise 3×3 + BatchNorm, pointwise to 32).
        var added = (2 * 2 * 16 * 8 + 2 * 8) + (8 * 9 + 2 * 8) + 8 * 32;
        Assert.Equal(Count(plain) + added, Count(net));
        Assert.Contains("stride-4 detail of 8", net.Shape.Describe(), StringComparison.Ordinal);
        distances.Dispose();
        logits.Dispose();

        static long Count(YoloShapesNet n) => n.parameters().Sum(p => p.numel());
    }

    [Fact]
    public void Forward_SsdDetail_SamePriorsAndMoreParametersInTheStride8Head()
    {
        TorchRuntime.Initialize();
        using var plain = new SsdShapesNet(6, BackboneShape.Create(8, "patch2", null), 128);
        using var net = new SsdShapesNet(6, BackboneShape.Create(8, "patch2", null, detail: 8), 128);
        net.eval();
        using var input = rand(2, 3, 128, 128);

        var (offsets, logits) = net.forward(input);

        Assert.Equal([2, plain.PriorCount, 4], offsets.shape);
        Assert.Equal([2, plain.PriorCount, 7], logits.shape);
        // The detail convolution (2×2×16 → 8, BatchNorm) and 8 more input channels in SSD head 0 (depthwise 3×3 + BatchNorm, pointwise to 32).
        var added = (2 * 2 * 16 * 8 + 2 * 8) + (8 * 9 + 2 * 8) + 8 * 32;
        Assert.Equal(plain.ParameterCount() + added, net.ParameterCount());
        offsets.Dispose();
        logits.Dispose();
    }

    [Theory]
    [InlineData("conv", 0, new[] { "s2a" })]
    [InlineData("conv", 2, new[] { "s2a", "s2b", "s2c" })]
    [InlineData("patch2", 1, new[] { "s2a", "s2b" })]
    [InlineData("patch", 0, new string[0])]
    [InlineData("patch", 1, new[] { "s2b" })]
    public void Build_StemAndStride4Blocks_NamesTheStride4Blocks(string stem, int blocks, string[] expected)
    {
        TorchRuntime.Initialize();

        var (convStem, stage2, stage3, stage4, stage5) = BackboneShape.Create(8, stem, null, blocks).Build();

        Assert.Equal(expected, stage2.Select(b => b.GetName()).ToArray());
        foreach (var module in new TorchSharp.torch.nn.Module[] { convStem, stage2, stage3, stage4, stage5 })
        {
            module.Dispose();
        }
    }

    [Theory]
    [InlineData("conv", 1)]
    [InlineData("patch2", 1)]
    [InlineData("patch", 1)]
    [InlineData("patch", 0)]
    public void Forward_EitherStem_OneOutputPerGridPointAtStrides8To32(string stem, int stride4Blocks)
    {
        TorchRuntime.Initialize();
        using var net = new YoloShapesNet(6, BackboneShape.Create(8, stem, null, stride4Blocks), inputSize: 64);
        net.eval();
        using var input = rand(2, 3, 96, 160);

        var (distances, logits) = net.forward(input);

        Assert.Equal([2, 4, 20 * 12 + 10 * 6 + 5 * 3], distances.shape);
        Assert.Equal([2, 6, 20 * 12 + 10 * 6 + 5 * 3], logits.shape);
        distances.Dispose();
        logits.Dispose();
    }

    [Fact]
    public void Initialize_SsdFromYoloCheckpointOfTheSamePatchShape_LoadsTheWholeBackbone()
    {
        TorchRuntime.Initialize();
        var shape = BackboneShape.Create(8, "patch", [16, 24, 40, 48, 16]);
        var checkpoint = Path.Combine(_root, "yolo.ckpt");
        using (var yolo = new YoloTrainableDetector(6, shape, 128))
        {
            yolo.Module.save(checkpoint);
        }

        using var ssd = new SsdTrainableDetector(6, shape, 128);
        var log = new StringWriter();

        ssd.Initialize(checkpoint, log);

        // stem (conv weight + BatchNorm weight, bias, running mean, variance, batch count) and 9 blocks of 2 such layers, stages 2 to 5.
        Assert.StartsWith($"initialized {6 + 9 * 2 * 6} of ", log.ToString(), StringComparison.Ordinal);
    }
}
