namespace Lookout.Detection;

public static partial class OutputDecoder
{
    /// <summary>Rows a YOLOX head yields for an input size: Σ over strides of ⌊H/s⌋·⌊W/s⌋.</summary>
    public static int YoloxAnchorCount(int inputWidth, int inputHeight, ReadOnlySpan<int> strides)
    {
        int total = 0;
        foreach (int stride in strides)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
            total += (inputHeight / stride) * (inputWidth / stride);
        }

        return total;
    }

    /// <summary>
    /// YOLOX raw grid: [N, 5+<paramref name="classes"/>], rows ordered by stride, then grid row y, then column x.
    /// Box: xy = (v + grid)·stride, wh = exp(v)·stride; objectness and classes already sigmoided; score = obj·cls.
    /// </summary>
    /// <param name="multiLabel">Every class above the threshold, not only the best (see <see cref="OutputDecoder"/>).</param>
    public static int DecodeYolox(
        ReadOnlySpan<float> output,
        int count,
        int classes,
        int inputWidth,
        int inputHeight,
        ReadOnlySpan<int> strides,
        float scoreThreshold,
        Span<Candidate> destination,
        bool multiLabel = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int expected = YoloxAnchorCount(inputWidth, inputHeight, strides);
        if (count != expected)
        {
            throw new ArgumentException($"A YOLOX head on {inputWidth}x{inputHeight} with these strides has {expected} rows, not {count}.", nameof(count));
        }

        int channels = 5 + classes;
        RequireLength(output, (long)count * channels, nameof(output));
        RequireDestination(destination, count, classes, multiLabel);

        int n = 0;
        int rowIndex = 0;
        foreach (int stride in strides)
        {
            int gridHeight = inputHeight / stride;
            int gridWidth = inputWidth / stride;
            float s = stride;
            for (int gy = 0; gy < gridHeight; gy++)
            {
                for (int gx = 0; gx < gridWidth; gx++, rowIndex++)
                {
                    ReadOnlySpan<float> row = output.Slice(rowIndex * channels, channels);
                    float objectness = row[4];
                    if (!(objectness > scoreThreshold))
                    {
                        continue;
                    }

                    int cls = ArgMax(row[5..], out float classScore);
                    float score = objectness * classScore;
                    if (!(score > scoreThreshold))
                    {
                        continue;
                    }

                    float cx = (row[0] + gx) * s;
                    float cy = (row[1] + gy) * s;
                    float w = MathF.Exp(row[2]) * s;
                    float h = MathF.Exp(row[3]) * s;
                    if (multiLabel)
                    {
                        n += AllClasses(row[5..], objectness, FromCenter(cx, cy, w, h), scoreThreshold, destination[n..]);
                        continue;
                    }

                    destination[n++] = new Candidate(FromCenter(cx, cy, w, h), score, cls);
                }
            }
        }

        return n;
    }
}
