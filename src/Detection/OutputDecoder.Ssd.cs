namespace Lookout.Detection;

public static partial class OutputDecoder
{
    /// <summary>
    /// SSD with boxes already decoded: <paramref name="boxes"/> [N,4] normalized x1,y1,x2,y2 and
    /// <paramref name="scores"/> [N,<paramref name="columns"/>] softmaxed with column 0 = background.
    /// Class id = column − 1.
    /// </summary>
    /// <param name="multiLabel">Every class above the threshold, not only the best (see <see cref="OutputDecoder"/>).</param>
    public static int DecodeSsd(
        ReadOnlySpan<float> boxes,
        ReadOnlySpan<float> scores,
        int count,
        int columns,
        int inputWidth,
        int inputHeight,
        float scoreThreshold,
        Span<Candidate> destination,
        bool multiLabel = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 2);
        RequireLength(boxes, (long)count * 4, nameof(boxes));
        RequireLength(scores, (long)count * columns, nameof(scores));
        RequireDestination(destination, count, columns - 1, multiLabel);

        float w = inputWidth;
        float h = inputHeight;
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (multiLabel)
            {
                ReadOnlySpan<float> row = scores.Slice((i * columns) + 1, columns - 1);
                ReadOnlySpan<float> a = boxes.Slice(i * 4, 4);
                for (int c = 0; c < row.Length; c++)
                {
                    if (row[c] > scoreThreshold)
                    {
                        destination[n++] = new Candidate(new BoxF(a[0] * w, a[1] * h, a[2] * w, a[3] * h), row[c], c);
                    }
                }

                continue;
            }

            int cls = ArgMax(scores.Slice((i * columns) + 1, columns - 1), out float score);
            if (!(score > scoreThreshold))
            {
                continue;
            }

            ReadOnlySpan<float> b = boxes.Slice(i * 4, 4);
            destination[n++] = new Candidate(new BoxF(b[0] * w, b[1] * h, b[2] * w, b[3] * h), score, cls);
        }

        return n;
    }
}
