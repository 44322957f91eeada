using Lookout.Detection;
using OpenCvSharp;

namespace Lookout.Benchmarks;

/// <summary>
/// Deterministic stand-ins for real frames and network outputs, shaped like a trained detector's: almost every anchor
/// scores near zero and a small fraction fire on a few dozen objects.
/// </summary>
internal static class Synthetic
{
    public const int Seed = 20261128;

    /// <summary>A BGR 8UC3 frame of uniform noise (content does not change resize or conversion cost).</summary>
    public static Mat Frame(int width, int height)
    {
        var bytes = new byte[width * height * 3];
        new Random(Seed).NextBytes(bytes);
        var frame = new Mat(height, width, MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, frame.Data, bytes.Length);
        return frame;
    }

    /// <summary>YOLOv8 [4+classes, count] (channel-major): cx, cy, w, h in input pixels, then sigmoided class scores.</summary>
    public static float[] Yolov8ChannelsFirst(int count, int classes, int inputSize, double positiveFraction)
    {
        var random = new Random(Seed);
        var output = new float[(4 + classes) * count];
        for (int j = 0; j < count; j++)
        {
            var (cx, cy, w, h) = RandomBox(random, inputSize);
            output[j] = cx;
            output[count + j] = cy;
            output[(2 * count) + j] = w;
            output[(3 * count) + j] = h;
            for (int c = 0; c < classes; c++)
            {
                output[((4 + c) * count) + j] = Low(random);
            }

            if (random.NextDouble() < positiveFraction)
            {
                output[((4 + random.Next(classes)) * count) + j] = High(random);
            }
        }

        return output;
    }

    /// <summary>YOLOv5 or YOLOX [count, 5+classes] rows; for YOLOX the box is grid-relative (offsets and log sizes).</summary>
    public static float[] RowsWithObjectness(int count, int classes, int inputSize, double positiveFraction, bool yoloxGrid)
    {
        var random = new Random(Seed);
        int channels = 5 + classes;
        var output = new float[count * channels];
        for (int i = 0; i < count; i++)
        {
            var row = output.AsSpan(i * channels, channels);
            if (yoloxGrid)
            {
                row[0] = (float)random.NextDouble();
                row[1] = (float)random.NextDouble();
                row[2] = (float)((random.NextDouble() * 3) - 1);
                row[3] = (float)((random.NextDouble() * 3) - 1);
            }
            else
            {
                (row[0], row[1], row[2], row[3]) = RandomBox(random, inputSize);
            }

            bool positive = random.NextDouble() < positiveFraction;
            row[4] = positive ? High(random) : Low(random);
            for (int c = 0; c < classes; c++)
            {
                row[5 + c] = Low(random);
            }

            if (positive)
            {
                row[5 + random.Next(classes)] = High(random);
            }
        }

        return output;
    }

    /// <summary>SSD boxes [count, 4] normalized corners and softmaxed scores [count, classes+1], column 0 background.</summary>
    public static (float[] Boxes, float[] Scores) Ssd(int count, int classes, double positiveFraction)
    {
        var random = new Random(Seed);
        int columns = classes + 1;
        var boxes = new float[count * 4];
        var scores = new float[count * columns];
        for (int i = 0; i < count; i++)
        {
            float x = (float)(random.NextDouble() * 0.8);
            float y = (float)(random.NextDouble() * 0.8);
            boxes[(i * 4) + 0] = x;
            boxes[(i * 4) + 1] = y;
            boxes[(i * 4) + 2] = x + (float)(0.02 + (random.NextDouble() * 0.18));
            boxes[(i * 4) + 3] = y + (float)(0.02 + (random.NextDouble() * 0.18));
            float foreground = random.NextDouble() < positiveFraction ? High(random) : Low(random);
            int cls = 1 + random.Next(classes);
            scores[i * columns] = 1f - foreground;
            scores[(i * columns) + cls] = foreground;
        }

        return (boxes, scores);
    }

    /// <summary>
    /// What a decoder hands NMS at a low score threshold: <paramref name="count"/> candidates, each a jittered copy of one
    /// of <paramref name="objects"/> objects (so most are suppressed), classes spread over <paramref name="classes"/>.
    /// </summary>
    public static Candidate[] Candidates(int count, int classes, int objects, int inputSize)
    {
        var random = new Random(Seed);
        var centres = new (float Cx, float Cy, float W, float H, int ClassId)[objects];
        for (int o = 0; o < objects; o++)
        {
            var (cx, cy, w, h) = RandomBox(random, inputSize);
            centres[o] = (cx, cy, w, h, random.Next(classes));
        }

        var candidates = new Candidate[count];
        for (int i = 0; i < count; i++)
        {
            var (cx, cy, w, h, classId) = centres[random.Next(objects)];
            float jitter = 0.15f;
            cx += w * jitter * (float)((random.NextDouble() * 2) - 1);
            cy += h * jitter * (float)((random.NextDouble() * 2) - 1);
            w *= 1f + (jitter * (float)((random.NextDouble() * 2) - 1));
            h *= 1f + (jitter * (float)((random.NextDouble() * 2) - 1));
            candidates[i] = new Candidate(new BoxF(cx - (w / 2), cy - (h / 2), cx + (w / 2), cy + (h / 2)), (float)random.NextDouble(), classId);
        }

        return candidates;
    }

    private static (float Cx, float Cy, float W, float H) RandomBox(Random random, int inputSize)
    {
        float w = 8f + (float)(random.NextDouble() * inputSize * 0.4);
        float h = 8f + (float)(random.NextDouble() * inputSize * 0.4);
        float cx = (w / 2) + (float)(random.NextDouble() * (inputSize - w));
        float cy = (h / 2) + (float)(random.NextDouble() * (inputSize - h));
        return (cx, cy, w, h);
    }

    private static float Low(Random random) => (float)(random.NextDouble() * 0.02);

    private static float High(Random random) => 0.4f + (float)(random.NextDouble() * 0.55);
}
