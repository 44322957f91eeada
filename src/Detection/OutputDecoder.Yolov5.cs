namespace Lookout.Detection;

public static partial class OutputDecoder
{
    /// <summary>
    /// YOLOv5/YOLOv7-style: [N, 5+<paramref name="classes"/>]: cx,cy,w,h in input pixels, objectness, class
    /// scores; score = obj·cls.
    /// </summary>
    public static int DecodeYolov5(
        ReadOnlySpan<float> output,
        int count,
        int classes,
        float scoreThreshold,
        Span<Candidate> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int channels = 5 + classes;
        RequireLength(output, (long)count * channels, nameof(output));
        RequireDestination(destination, count);

        int n = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = output.Slice(i * channels, channels);
            float objectness = row[4];

            // Class scores are at most 1, so obj·cls cannot pass where obj alone does not.
            if (!(objectness > scoreThreshold))
            {
                continue;
            }

            int cls = ArgMax(row[5..], out float classScore);
            float score = objectness * classScore;
            if (score > scoreThreshold)
            {
                destination[n++] = new Candidate(FromCenter(row[0], row[1], row[2], row[3]), score, cls);
            }
        }

        return n;
    }
}
