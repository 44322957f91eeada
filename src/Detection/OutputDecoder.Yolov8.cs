using System.Numerics;
using System.Runtime.InteropServices;

namespace Lookout.Detection;

public static partial class OutputDecoder
{
    /// <summary>
    /// YOLOv8/YOLO11: [4+<paramref name="classes"/>, N] when <paramref name="channelsFirst"/> (the usual export),
    /// else [N, 4+classes]; cx,cy,w,h in input pixels then sigmoided class scores, no objectness.
    /// </summary>
    /// <param name="scratchScores">At least N floats when <paramref name="channelsFirst"/>; unused otherwise.</param>
    /// <param name="scratchClasses">At least N ints when <paramref name="channelsFirst"/>; unused otherwise.</param>
    /// <param name="multiLabel">Every class above the threshold, not only the best (see <see cref="OutputDecoder"/>).</param>
    public static int DecodeYolov8(
        ReadOnlySpan<float> output,
        int count,
        int classes,
        bool channelsFirst,
        float scoreThreshold,
        Span<Candidate> destination,
        Span<float> scratchScores,
        Span<int> scratchClasses,
        bool multiLabel = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int channels = 4 + classes;
        RequireLength(output, (long)count * channels, nameof(output));
        RequireDestination(destination, count, classes, multiLabel);
        if (multiLabel)
        {
            return DecodeYolov8MultiLabel(output, count, classes, channelsFirst, scoreThreshold, destination);
        }

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
    // keeping a running best per anchor, so every read is sequential and vectorizes.
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

        // Lengths were checked above, so the sweep uses unchecked vector loads. Anchors go in blocks small
        // enough for the running best to stay in L1 while all class planes stream past it.
        const int Block = 2048;
        int width = Vector<float>.Count;
        ref float outputRef = ref MemoryMarshal.GetReference(output);
        ref float bestRef = ref MemoryMarshal.GetReference(best);
        ref int classRef = ref MemoryMarshal.GetReference(bestClass);
        for (int blockStart = 0; blockStart < count; blockStart += Block)
        {
            int blockEnd = Math.Min(count, blockStart + Block);
            int vectorEnd = Vector.IsHardwareAccelerated ? blockStart + ((blockEnd - blockStart) / width * width) : blockStart;
            for (int c = 1; c < classes; c++)
            {
                int plane = (4 + c) * count;
                var classVector = new Vector<int>(c);
                int j = blockStart;
                for (; j < vectorEnd; j += width)
                {
                    Vector<float> value = Vector.LoadUnsafe(ref outputRef, (nuint)(plane + j));
                    Vector<float> current = Vector.LoadUnsafe(ref bestRef, (nuint)j);
                    Vector<int> greater = Vector.GreaterThan(value, current);
                    Vector.ConditionalSelect(greater, value, current).StoreUnsafe(ref bestRef, (nuint)j);
                    Vector.ConditionalSelect(greater, classVector, Vector.LoadUnsafe(ref classRef, (nuint)j)).StoreUnsafe(ref classRef, (nuint)j);
                }

                for (; j < blockEnd; j++)
                {
                    float value = output[plane + j];
                    if (value > best[j])
                    {
                        best[j] = value;
                        bestClass[j] = c;
                    }
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

    private static int DecodeYolov8MultiLabel(
        ReadOnlySpan<float> output, int count, int classes, bool channelsFirst, float scoreThreshold, Span<Candidate> destination)
    {
        // Element (channel k, anchor j) is at k·count + j channel-first, j·(4+classes) + k otherwise.
        int channelStep = channelsFirst ? count : 1;
        int anchorStep = channelsFirst ? 1 : 4 + classes;
        int n = 0;
        for (int j = 0; j < count; j++)
        {
            int a = j * anchorStep;
            BoxF box = default;
            bool boxDone = false;
            for (int c = 0; c < classes; c++)
            {
                float score = output[a + ((4 + c) * channelStep)];
                if (score > scoreThreshold)
                {
                    if (!boxDone)
                    {
                        box = FromCenter(output[a], output[a + channelStep], output[a + (2 * channelStep)], output[a + (3 * channelStep)]);
                        boxDone = true;
                    }

                    destination[n++] = new Candidate(box, score, c);
                }
            }
        }

        return n;
    }
}
