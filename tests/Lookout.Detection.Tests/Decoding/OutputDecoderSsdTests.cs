namespace Lookout.Detection.Tests.Decoding;

public sealed class OutputDecoderSsdTests
{
    [Fact]
    public void DecodeSsd_HandMadeTensors_ScalesBoxesAndSkipsBackgroundColumn()
    {
        // Three anchors, columns: background, cat, dog.
        float[] boxes =
        [
            0.1f, 0.2f, 0.5f, 0.6f,
            0.0f, 0.0f, 1.0f, 1.0f,
            0.5f, 0.5f, 0.75f, 1.0f,
        ];
        float[] scores =
        [
            0.1f, 0.2f, 0.7f,
            0.9f, 0.05f, 0.05f,
            0.3f, 0.6f, 0.1f,
        ];
        var destination = new Candidate[3];

        int n = OutputDecoder.DecodeSsd(boxes, scores, 3, 3, 320, 240, 0.5f, destination);

        Assert.Equal(2, n);
        Assert.Equal(new Candidate(new BoxF(32, 48, 160, 144), 0.7f, 1), destination[0]);
        Assert.Equal(new Candidate(new BoxF(160, 120, 240, 240), 0.6f, 0), destination[1]);
    }

    [Fact]
    public void DecodeSsd_MultiLabel_EmitsEveryClassAboveThresholdWithTheAnchorsBox()
    {
        // Two anchors, columns: background, cat, dog; background is never a class.
        float[] boxes =
        [
            0.1f, 0.2f, 0.5f, 0.6f,
            0.0f, 0.0f, 1.0f, 1.0f,
        ];
        float[] scores =
        [
            0.2f, 0.35f, 0.45f,
            0.9f, 0.05f, 0.05f,
        ];
        var destination = new Candidate[4];

        int n = OutputDecoder.DecodeSsd(boxes, scores, 2, 3, 320, 240, 0.3f, destination, multiLabel: true);

        Assert.Equal(
            [
                new Candidate(new BoxF(32, 48, 160, 144), 0.35f, 0),
                new Candidate(new BoxF(32, 48, 160, 144), 0.45f, 1),
            ],
            destination[..n]);
    }

    [Fact]
    public void DecodeSsd_ScoreEqualToThreshold_IsSkipped()
    {
        float[] boxes = [0, 0, 1, 1];
        float[] scores = [0.5f, 0.5f];
        var destination = new Candidate[1];

        Assert.Equal(0, OutputDecoder.DecodeSsd(boxes, scores, 1, 2, 10, 10, 0.5f, destination));
    }

    [Fact]
    public void DecodeSsd_TensorShorterThanShape_Throws()
    {
        var destination = new Candidate[2];

        Assert.Throws<ArgumentException>(() => OutputDecoder.DecodeSsd(new float[4], new float[4], 2, 2, 10, 10, 0.5f, destination));
    }
}
