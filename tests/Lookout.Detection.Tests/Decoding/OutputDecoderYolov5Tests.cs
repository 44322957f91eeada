namespace Lookout.Detection.Tests.Decoding;

public sealed class OutputDecoderYolov5Tests
{
    [Fact]
    public void DecodeYolov5_ScoreIsObjectnessTimesClass()
    {
        float[] output =
        [
            100, 50, 20, 20, 0.9f, 0.1f, 0.8f,
            10, 10, 4, 4, 0.9f, 0.5f, 0.4f,
            200, 200, 50, 50, 0.3f, 1.0f, 1.0f,
        ];
        var destination = new Candidate[3];

        int n = OutputDecoder.DecodeYolov5(output, 3, 2, 0.42f, destination);

        Assert.Equal(2, n);
        Assert.Equal(new BoxF(90, 40, 110, 60), destination[0].Box);
        Assert.Equal(1, destination[0].ClassId);
        Assert.Equal(0.72f, destination[0].Score, 6);
        Assert.Equal(new BoxF(8, 8, 12, 12), destination[1].Box);
        Assert.Equal(0, destination[1].ClassId);
        Assert.Equal(0.45f, destination[1].Score, 6);
    }

    [Fact]
    public void DecodeYolov5_MultiLabel_EmitsEachClassWhoseProductPasses()
    {
        float[] output =
        [
            10, 10, 4, 4, 0.9f, 0.5f, 0.4f,
            200, 200, 50, 50, 0.3f, 1.0f, 1.0f,
        ];
        var destination = new Candidate[4];

        int n = OutputDecoder.DecodeYolov5(output, 2, 2, 0.35f, destination, multiLabel: true);

        // 0.9·0.5 = 0.45 and 0.9·0.4 = 0.36 pass; the second row's objectness does not.
        Assert.Equal(2, n);
        Assert.Equal((0, 0.45f), (destination[0].ClassId, destination[0].Score));
        Assert.Equal(1, destination[1].ClassId);
        Assert.Equal(0.36f, destination[1].Score, 6);
        Assert.Equal(new BoxF(8, 8, 12, 12), destination[1].Box);
    }

    [Fact]
    public void DecodeYolov5_LowObjectnessHighClass_IsSkipped()
    {
        float[] output = [100, 50, 20, 20, 0.2f, 1.0f];
        var destination = new Candidate[1];

        Assert.Equal(0, OutputDecoder.DecodeYolov5(output, 1, 1, 0.25f, destination));
    }
}
