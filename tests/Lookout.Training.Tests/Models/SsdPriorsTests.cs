using Lookout.Training.Models;

namespace Lookout.Training.Tests.Models;

public sealed class SsdPriorsTests
{
    private static readonly SsdPriorLevel[] TwoLevels =
    [
        new(32, 0.25f, 0.5f, [2f]),
        new(64, 0.5f, 1f, [2f]),
    ];

    [Fact]
    public void Generate_TwoLevelsOn64_CountAndValuesAsComputedByHand()
    {
        var priors = SsdPriors.Generate(64, TwoLevels);

        // 2×2 cells × 4 + 1×1 cell × 4.
        Assert.Equal(20 * 4, priors.Length);
        Assert.Equal(20, SsdPriors.Count(64, TwoLevels));
        var r2 = MathF.Sqrt(2);
        float[][] expected =
        [
            [0.25f, 0.25f, 0.25f, 0.25f],                  // cell (0,0): scale
            [0.25f, 0.25f, MathF.Sqrt(0.125f), MathF.Sqrt(0.125f)], // √(0.25·0.5)
            [0.25f, 0.25f, 0.25f * r2, 0.25f / r2],        // 2:1
            [0.25f, 0.25f, 0.25f / r2, 0.25f * r2],        // 1:2
            [0.75f, 0.25f, 0.25f, 0.25f],                  // cell (x=1, y=0)
        ];
        for (var i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], priors.AsSpan(4 * i, 4));
        }

        AssertClose([0.25f, 0.75f, 0.25f, 0.25f], priors.AsSpan(4 * 8, 4));   // cell (x=0, y=1)
        AssertClose([0.5f, 0.5f, 0.5f, 0.5f], priors.AsSpan(4 * 16, 4));      // level 2's only cell
        AssertClose([0.5f, 0.5f, MathF.Sqrt(0.5f), MathF.Sqrt(0.5f)], priors.AsSpan(4 * 17, 4));
    }

    [Fact]
    public void Generate_RectangleWithTrainedSide_GridFollowsInputAndPriorsKeepTheirPixelSize()
    {
        // Trained at 64 px; exported at 128×64: level 1 has 4×2 cells, level 2 has 2×1.
        var priors = SsdPriors.Generate(128, 64, 64, TwoLevels);

        Assert.Equal((4 * 2 + 2 * 1) * 4 * 4, priors.Length);
        // Cell (x=1, y=0) of level 1: centre (48, 16) px of 128×64; its square is 0.25 · 64 = 16 px.
        AssertClose([48f / 128, 16f / 64, 16f / 128, 16f / 64], priors.AsSpan(4 * 4, 4));
        // Level 2's second cell: centre (96, 32) px; its 2:1 box is 32·√2 by 32/√2 px.
        var r2 = MathF.Sqrt(2);
        AssertClose([96f / 128, 32f / 64, 32 * r2 / 128, 32 / r2 / 64], priors.AsSpan(4 * (8 * 4 + 4 + 2), 4));
        // A square export at the trained side is the square generator.
        Assert.Equal(SsdPriors.Generate(64, TwoLevels), SsdPriors.Generate(64, 64, 64, TwoLevels));
    }

    [Fact]
    public void Generate_SsdShapesNetAt320_FourMapsOfFourPriorsPerCell()
    {
        Assert.Equal((40 * 40 + 20 * 20 + 10 * 10 + 5 * 5) * 4, SsdPriors.Count(320, SsdShapesNet.Levels));
        Assert.Equal(8500 * 4, SsdPriors.Generate(320, SsdShapesNet.Levels).Length);
    }

    [Fact]
    public void Generate_InputNotMultipleOfStride_Throws() =>
        Assert.Throws<ArgumentException>(() => SsdPriors.Generate(96, TwoLevels));

    [Fact]
    public void ToCorners_Prior_HalfSizesAroundCentre() =>
        AssertClose([0.4f, 0.3f, 0.6f, 0.7f], SsdPriors.ToCorners([0.5f, 0.5f, 0.2f, 0.4f]));

    [Fact]
    public void Encode_HandMadeBox_VarianceScaledOffsets()
    {
        // Centre (0.52, 0.6), size 0.2 × 0.6 against prior (0.5, 0.5, 0.2, 0.4).
        var offsets = new float[4];
        SsdPriors.Encode([0.5f, 0.5f, 0.2f, 0.4f], [0.42f, 0.3f, 0.62f, 0.9f], offsets);

        AssertClose([0.02f / (0.1f * 0.2f), 0.1f / (0.1f * 0.4f), 0f, MathF.Log(1.5f) / 0.2f], offsets);
    }

    [Fact]
    public void Encode_BoxEqualToPrior_ZeroOffsets()
    {
        var offsets = new float[4];
        SsdPriors.Encode([0.3f, 0.6f, 0.1f, 0.2f], [0.25f, 0.5f, 0.35f, 0.7f], offsets);

        AssertClose([0f, 0f, 0f, 0f], offsets);
    }

    [Theory]
    [InlineData(0.1f, 0.2f, 0.3f, 0.5f)]
    [InlineData(0.0f, 0.0f, 1.0f, 1.0f)]
    [InlineData(0.7f, 0.05f, 0.72f, 0.09f)]
    public void EncodeThenDecode_AnyBox_ReturnsTheBox(float x1, float y1, float x2, float y2)
    {
        float[] prior = [0.4f, 0.3f, 0.25f, 0.125f];
        var offsets = new float[4];
        var box = new float[4];

        SsdPriors.Encode(prior, [x1, y1, x2, y2], offsets);
        SsdPriors.Decode(prior, offsets, box);

        AssertClose([x1, y1, x2, y2], box);
    }

    [Fact]
    public void Iou_HalfOverlap_OneThird()
    {
        Assert.Equal(1f / 3, SsdPriors.Iou([0f, 0f, 2f, 1f], [1f, 0f, 3f, 1f]), 5);
        Assert.Equal(0f, SsdPriors.Iou([0f, 0f, 1f, 1f], [1f, 0f, 2f, 1f]));
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) < 1e-5f, $"[{i}] expected {expected[i]}, got {actual[i]}");
        }
    }
}
