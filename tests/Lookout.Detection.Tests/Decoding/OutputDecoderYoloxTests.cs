namespace Lookout.Detection.Tests.Decoding;

public sealed class OutputDecoderYoloxTests
{
    // Input 64x32 with strides 16 and 32: a 4x2 grid (rows 0-7, y-major) then a 2x1 grid (rows 8-9).
    private const int Width = 64;
    private const int Height = 32;
    private const int Classes = 2;
    private static readonly int[] Strides = [16, 32];

    [Fact]
    public void YoloxAnchorCount_SumsGridsOfAllStrides()
    {
        Assert.Equal(10, OutputDecoder.YoloxAnchorCount(Width, Height, Strides));
        Assert.Equal(3549, OutputDecoder.YoloxAnchorCount(416, 416, [8, 16, 32]));
    }

    [Fact]
    public void DecodeYolox_RawGrid_AppliesGridOffsetStrideAndExp()
    {
        var output = new float[10 * (5 + Classes)];

        // Stride 16, grid x = 2, y = 1 -> row 1·4 + 2 = 6.
        SetRow(output, 6, [0.5f, 0.5f, MathF.Log(2), MathF.Log(1), 0.9f, 0.2f, 1.0f]);

        // Stride 32, grid x = 1, y = 0 -> row 8 + 1 = 9.
        SetRow(output, 9, [0.25f, 0.5f, 0, MathF.Log(0.5f), 0.8f, 0.75f, 0.1f]);

        // Objectness passes, product does not.
        SetRow(output, 0, [0, 0, 0, 0, 0.6f, 0.5f, 0.5f]);
        var destination = new Candidate[10];

        int n = OutputDecoder.DecodeYolox(output, 10, Classes, Width, Height, Strides, 0.5f, destination);

        Assert.Equal(2, n);

        // cx = (0.5 + 2)·16 = 40, cy = (0.5 + 1)·16 = 24, w = 2·16 = 32, h = 16.
        AssertBox(new BoxF(24, 16, 56, 32), destination[0].Box);
        Assert.Equal(1, destination[0].ClassId);
        Assert.Equal(0.9f, destination[0].Score, 6);

        // cx = (0.25 + 1)·32 = 40, cy = 0.5·32 = 16, w = 32, h = 16.
        AssertBox(new BoxF(24, 8, 56, 24), destination[1].Box);
        Assert.Equal(0, destination[1].ClassId);
        Assert.Equal(0.6f, destination[1].Score, 6);
    }

    [Fact]
    public void DecodeYolox_MultiLabel_EmitsEachClassWhoseProductPasses()
    {
        var output = new float[10 * (5 + Classes)];

        // Stride 32, grid x = 1, y = 0 -> row 9: 0.8·0.75 = 0.6 and 0.8·0.7 = 0.56 pass 0.5.
        SetRow(output, 9, [0.25f, 0.5f, 0, MathF.Log(0.5f), 0.8f, 0.75f, 0.7f]);
        var destination = new Candidate[10 * Classes];

        int n = OutputDecoder.DecodeYolox(output, 10, Classes, Width, Height, Strides, 0.5f, destination, multiLabel: true);

        Assert.Equal(2, n);
        AssertBox(new BoxF(24, 8, 56, 24), destination[0].Box);
        AssertBox(new BoxF(24, 8, 56, 24), destination[1].Box);
        Assert.Equal(0.6f, destination[0].Score, 6);
        Assert.Equal(1, destination[1].ClassId);
        Assert.Equal(0.56f, destination[1].Score, 6);
    }

    [Fact]
    public void DecodeYolox_RowCountDisagreesWithGrid_Throws()
    {
        var output = new float[11 * (5 + Classes)];

        Assert.Throws<ArgumentException>(
            () => OutputDecoder.DecodeYolox(output, 11, Classes, Width, Height, Strides, 0.5f, new Candidate[11]));
    }

    private static void AssertBox(BoxF expected, BoxF actual)
    {
        Assert.Equal(expected.X1, actual.X1, 4);
        Assert.Equal(expected.Y1, actual.Y1, 4);
        Assert.Equal(expected.X2, actual.X2, 4);
        Assert.Equal(expected.Y2, actual.Y2, 4);
    }

    private static void SetRow(float[] output, int row, float[] values) => values.CopyTo(output, row * (5 + Classes));
}
