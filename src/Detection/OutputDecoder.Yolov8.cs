using System.Numerics;

namespace Lookout.Detection;

public static partial class OutputDecoder
{
    /// <summary>
    /// YOLOv8/YOLO11: [4+<paramref name="classes"/>, N] when <paramref name="channelsFirst"/> (the usual export),
    /// else [N, 4+classes]; cx,cy,w,h in input pixels then sigmoided class scores, no objectness.
    /// </summary>
    /// <param name="scratchScores">At least N floats when <paramref name="channelsFirst"/>; unused otherwise.</param>
    /// <param name="scratchClasses">At least N ints when <paramref name="channelsFirst"/>; unused otherwise.</param>
    public static int DecodeYolov8(
        ReadOnlySpan<float> output,
        int count,
        int classes,
        bool channelsFirst,
        float scoreThreshold,
        Span<Candidate> destination,
        Span<float> scratchScores,
        Span<int> scratchClasses)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int channels = 4 + classes;
        RequireLength(output, (long)count * channels, nameof(output));
        RequireDestination(destination, count);
        return channelsFirst
            ? DecodeYolov8ChannelsFirst(output, count, classes, scoreThreshold, destination, scratchScores, scratchClasses)
            : DecodeYolov8RowMajor(output, count, channels, scoreThreshold, destination);
    }

    private static int DecodeYolov8RowMajor(ReadOnlySpan<float> output, int count, int channels, float scoreThreshold, Span<Candidate> destination)
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = output.Slice(i * channels, channels);
            int cls = ArgMax(row[4..], out float score);
            if (score > scoreThreshold)
            {
                destination[n++] = new Candidate(FromCenter(row[0], row[1], row[2], row[3]), score, cls);
            }
        }

        return n;
    }

    // Channel-major data: a per-anchor arg-max would stride N floats per class. Instead sweep class planes
    // in order, keeping a running best per anchor, so every read is sequential and vectorizes.
    private static int DecodeYolov8ChannelsFirst(
        ReadOnlySpan<float> output,
        int count,
        int classes,
        float scoreThreshold,
        Span<Candidate> destination,
        Span<float> scratchScores,
        Span<int> scratchClasses)
    {
        if (scratchScores.Length < count || scratchClasses.Length < count)
        {
            throw new ArgumentException($"Channel-first decoding needs scratch buffers of {count} items.");
        }

        Span<float> best = scratchScores[..count];
        Span<int> bestClass = scratchClasses[..count];
        output.Slice(4 * count, count).CopyTo(best);
        bestClass.Clear();

        int width = Vector<float>.Count;
        int vectorEnd = Vector.IsHardwareAccelerated ? count - (count % width) : 0;
        for (int c = 1; c < classes; c++)
        {
            ReadOnlySpan<float> plane = output.Slice((4 + c) * count, count);
            var classVector = new Vector<int>(c);
            int j = 0;
            for (; j < vectorEnd; j += width)
            {
                var value = new Vector<float>(plane[j..]);
                var current = new Vector<float>(best[j..]);
                Vector<int> greater = Vector.GreaterThan(value, current);
                Vector.Max(value, current).CopyTo(best[j..]);
                Vector.ConditionalSelect(greater, classVector, new Vector<int>(bestClass[j..])).CopyTo(bestClass[j..]);
            }

            for (; j < count; j++)
            {
                if (plane[j] > best[j])
                {
                    best[j] = plane[j];
                    bestClass[j] = c;
                }
            }
        }

        ReadOnlySpan<float> cx = output[..count];
        ReadOnlySpan<float> cy = output.Slice(count, count);
        ReadOnlySpan<float> w = output.Slice(2 * count, count);
        ReadOnlySpan<float> h = output.Slice(3 * count, count);
        int n = 0;
        for (int j = 0; j < count; j++)
        {
            float score = best[j];
            if (score > scoreThreshold)
            {
                destination[n++] = new Candidate(FromCenter(cx[j], cy[j], w[j], h[j]), score, bestClass[j]);
            }
        }

        return n;
    }
}
