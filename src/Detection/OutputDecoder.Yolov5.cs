namespace Lookout.Detection;

public static partial class OutputDecoder
{
    /// <summary>
    /// YOLOv5/YOLOv7-style: [N, 5+<paramref name="classes"/>]: cx,cy,w,h in input pixels, objectness, class
    /// scores; score = obj·cls.
    /// </summary>
    /// <param name="multiLabel">Every class above the threshold, not only the best (see <see cref="OutputDecoder"/>).</param>
    public static int DecodeYolov5(
        ReadOnlySpan<float> output,
        int count,
        int classes,
        float scoreThreshold,
        Span<Candidate> destination,
        bool multiLabel = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int channels = 5 + classes;
        RequireLength(output, (long)count * channels, nameof(output));
        RequireDestination(destination, count, classes, multiLabel);

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

            if (multiLabel)
            {
                n += AllClasses(row[5..], objectness, FromCenter(row[0], row[1], row[2], row[3]), scoreThreshold, destination[n..]);
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

    /// <summary>One candidate per class whose objectness·score is above the threshold, all with <paramref name="box"/>.</summary>
    private static int AllClasses(ReadOnlySpan<float> classScores, float objectness, BoxF box, float scoreThreshold, Span<Candidate> destination)
    {
        int n = 0;
        for (int c = 0; c < classScores.Length; c++)
        {
            float score = objectness * classScores[c];
            if (score > scoreThreshold)
            {
                destination[n++] = new Candidate(box, score, c);
            }
        }

        return n;
    }
}
