namespace Lookout.Detection.Tests.Decoding;

public sealed class OutputDecoderYolov8Tests
{
    // 19 anchors exercises both the vector loop and its scalar tail for any vector width up to 16.
    private const int Anchors = 19;
    private const int Classes = 3;

    [Fact]
    public void DecodeYolov8_ChannelsFirst_DecodesCentreBoxesAndBestClass()
    {
        float[] rows = MakeRows();

        Candidate[] result = Decode(ToChannelsFirst(rows), channelsFirst: true);

        Assert.Equal(
            [
                new Candidate(new BoxF(90, 40, 110, 60), 0.9f, 2),
                new Candidate(new BoxF(300, 200, 340, 300), 0.55f, 0),
                new Candidate(new BoxF(0, 0, 64, 64), 0.8f, 1),
            ],
            result);
    }

    [Fact]
    public void DecodeYolov8_RowMajor_MatchesChannelsFirst()
    {
        float[] rows = MakeRows();

        Assert.Equal(Decode(ToChannelsFirst(rows), channelsFirst: true), Decode(rows, channelsFirst: false));
    }

    [Fact]
    public void DecodeYolov8_EqualClassScores_TakesFirstClass()
    {
        float[] rows = new float[Anchors * (4 + Classes)];
        rows[4] = 0.7f;
        rows[5] = 0.7f;
        rows[6] = 0.7f;

        Candidate[] result = Decode(ToChannelsFirst(rows), channelsFirst: true);

        Assert.Equal(0, Assert.Single(result).ClassId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DecodeYolov8_MultiLabel_EmitsEveryClassAboveThreshold(bool channelsFirst)
    {
        float[] rows = MakeRows();
        float[] output = channelsFirst ? ToChannelsFirst(rows) : rows;
        var destination = new Candidate[Anchors * Classes];

        int n = OutputDecoder.DecodeYolov8(output, Anchors, Classes, channelsFirst, 0.35f, destination, new float[Anchors], new int[Anchors], multiLabel: true);

        // Anchor 2 has two classes above 0.35, anchor 9 two, anchor 17 one, anchor 18 three.
        Assert.Equal(
            [
                new Candidate(new BoxF(90, 40, 110, 60), 0.4f, 1),
                new Candidate(new BoxF(90, 40, 110, 60), 0.9f, 2),
                new Candidate(new BoxF(300, 200, 340, 300), 0.55f, 0),
                new Candidate(new BoxF(300, 200, 340, 300), 0.5f, 1),
                new Candidate(new BoxF(0, 0, 64, 64), 0.8f, 1),
                new Candidate(new BoxF(7.5f, 7.5f, 12.5f, 12.5f), 0.5f, 0),
                new Candidate(new BoxF(7.5f, 7.5f, 12.5f, 12.5f), 0.5f, 1),
                new Candidate(new BoxF(7.5f, 7.5f, 12.5f, 12.5f), 0.5f, 2),
            ],
            destination[..n]);
    }

    [Fact]
    public void DecodeYolov8_MultiLabelDestinationOfOneSlotPerAnchor_Throws()
    {
        Assert.Throws<ArgumentException>(() => OutputDecoder.DecodeYolov8(
            MakeRows(), Anchors, Classes, false, 0.5f, new Candidate[Anchors], new float[Anchors], new int[Anchors], multiLabel: true));
    }

    private static Candidate[] Decode(float[] output, bool channelsFirst)
    {
        var destination = new Candidate[Anchors];
        int n = OutputDecoder.DecodeYolov8(output, Anchors, Classes, channelsFirst, 0.5f, destination, new float[Anchors], new int[Anchors]);
        return destination[..n];
    }

    // Row-major [N, 4+nc]; three anchors pass a 0.5 threshold.
    private static float[] MakeRows()
    {
        int channels = 4 + Classes;
        var rows = new float[Anchors * channels];
        for (int i = 0; i < Anchors; i++)
        {
            rows[(i * channels) + 4] = 0.1f;
            rows[(i * channels) + 5] = 0.2f;
            rows[(i * channels) + 6] = 0.3f;
        }

        Set(rows, 2, [100, 50, 20, 20, 0.1f, 0.4f, 0.9f]);
        Set(rows, 9, [320, 250, 40, 100, 0.55f, 0.5f, 0.1f]);
        Set(rows, 17, [32, 32, 64, 64, 0.2f, 0.8f, 0.3f]);
        Set(rows, 18, [10, 10, 5, 5, 0.5f, 0.5f, 0.5f]);
        return rows;
    }

    private static void Set(float[] rows, int anchor, float[] values) => values.CopyTo(rows, anchor * (4 + Classes));

    private static float[] ToChannelsFirst(float[] rows)
    {
        int channels = 4 + Classes;
        var result = new float[rows.Length];
        for (int i = 0; i < Anchors; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                result[(c * Anchors) + i] = rows[(i * channels) + c];
            }
        }

        return result;
    }
}
