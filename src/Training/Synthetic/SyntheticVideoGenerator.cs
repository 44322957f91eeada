using System.Globalization;
using System.Text;
using System.Text.Json;
using Lookout.Detection.Datasets;
using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>
/// Writes an annotated synthetic video: shapes that move, rotate and change size, entering and leaving
/// the frame over a cluttered background, with per-frame ground truth as JSON lines in the schema of
/// <c>lookout annotate</c> (score 1; <c>"difficult": true</c> added on objects that are hard to make out).
/// </summary>
public static class SyntheticVideoGenerator
{
    /// <summary>
    /// Writes <paramref name="videoPath"/> (mp4v) and <paramref name="truthPath"/> under temporary names
    /// and renames both when complete.
    /// </summary>
    /// <returns>The number of annotated objects over all frames.</returns>
    public static int Write(string videoPath, string truthPath, int frames, int seed, Size size, double fps, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        var rng = new Random(seed);
        using var background = SceneSampler.Background(rng, size);
        var behind = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => SceneSampler.Distractor(rng, size, background)).ToList();
        var inFront = Enumerable.Range(0, rng.Next(0, 2)).Select(_ => SceneSampler.Distractor(rng, size, background)).ToList();
        var degradation = SceneSampler.SampleDegradation(rng) with { MotionLength = 0, BlurSigma = 0 };
        var actors = new List<Actor>();
        for (var i = rng.Next(2, 5); i > 0; i--)
        {
            actors.Add(Actor.Spawn(rng, size, background, entering: false));
        }

        var tempVideo = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(videoPath))!, Path.GetFileNameWithoutExtension(videoPath) + ".partial" + Path.GetExtension(videoPath));
        var tempTruth = truthPath + ".partial";
        var source = Path.GetFileName(videoPath);
        var total = 0;
        using (var writer = new VideoWriter(tempVideo, FourCC.MP4V, fps, size))
        {
            if (!writer.IsOpened())
            {
                throw new IOException($"{videoPath}: cannot open an mp4v video writer there; check that the folder exists and is writable.");
            }

            using var truth = new StreamWriter(tempTruth, false, new UTF8Encoding(false));
            using var frame = new Mat();
            for (var f = 0; f < frames; f++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                background.CopyTo(frame);
                var layers = new List<SceneLayer>(behind);
                foreach (var actor in actors)
                {
                    layers.Add(actor.At(f).ToLayer());
                }

                layers.AddRange(inFront);
                var objects = SceneComposer.Compose(frame, layers);
                SceneSampler.Apply(frame, degradation, rng);
                writer.Write(frame);
                truth.Write(JsonLine(f, f * 1000.0 / fps, source, size, objects));
                truth.Write('\n');
                total += objects.Count;

                actors.RemoveAll(a => a.HasLeft(f, size));
                // Keep a few objects around: new ones come in from the edges.
                if (actors.Count < 2 || (actors.Count < 7 && rng.NextDouble() < 0.04))
                {
                    actors.Add(Actor.Spawn(rng, size, background, entering: true, startFrame: f + 1));
                }

                progress?.Report(f + 1);
            }
        }

        File.Move(tempVideo, videoPath, overwrite: true);
        File.Move(tempTruth, truthPath, overwrite: true);
        return total;
    }

    private static string JsonLine(int frame, double timestampMs, string source, Size size, IReadOnlyList<AnnotatedObject> objects)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("frame", frame);
            json.WriteNumber("timestamp_ms", Math.Round(timestampMs, 3));
            json.WriteString("source", source);
            json.WriteNumber("width", size.Width);
            json.WriteNumber("height", size.Height);
            json.WriteStartArray("detections");
            foreach (var o in objects)
            {
                json.WriteStartObject();
                json.WriteString("label", o.Label);
                json.WriteNumber("class_id", o.ClassId);
                json.WriteNumber("score", 1.0);
                json.WriteStartArray("box");
                json.WriteNumberValue(o.Box.X1);
                json.WriteNumberValue(o.Box.Y1);
                json.WriteNumberValue(o.Box.X2);
                json.WriteNumberValue(o.Box.Y2);
                json.WriteEndArray();
                if (o.Difficult)
                {
                    json.WriteBoolean("difficult", true);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A shape in motion: position, rotation and size as functions of the frame number.</summary>
    private sealed record Actor(ShapeSpec Shape, int StartFrame, Point2f Velocity, float Spin, float ScaleAmplitude, float ScalePeriod, float ScalePhase)
    {
        public static Actor Spawn(Random rng, Size size, Mat background, bool entering, int startFrame = 0)
        {
            var shape = SceneSampler.Shape(rng, size, background);
            var radius = Math.Min(shape.Radius, 0.2f * Math.Min(size.Width, size.Height));
            shape = shape with { Radius = Math.Max(radius, 8) };
            var speed = rng.Uniform(0.5f, 4f);
            var direction = rng.Uniform(0, 2 * MathF.PI);
            if (entering)
            {
                // Start just outside a random edge, heading inwards.
                var r = shape.Radius;
                (var center, direction) = rng.Next(4) switch
                {
                    0 => (new Point2f(-r, rng.Uniform(0, size.Height)), rng.Uniform(-1f, 1f)),
                    1 => (new Point2f(size.Width + r, rng.Uniform(0, size.Height)), MathF.PI + rng.Uniform(-1f, 1f)),
                    2 => (new Point2f(rng.Uniform(0, size.Width), -r), MathF.PI / 2 + rng.Uniform(-1f, 1f)),
                    _ => (new Point2f(rng.Uniform(0, size.Width), size.Height + r), -MathF.PI / 2 + rng.Uniform(-1f, 1f)),
                };
                shape = shape with { Center = center };
            }

            var (sin, cos) = MathF.SinCos(direction);
            return new Actor(
                shape,
                startFrame,
                new Point2f(speed * cos, speed * sin),
                rng.Uniform(-0.08f, 0.08f),
                rng.Uniform(0f, 0.35f),
                rng.Uniform(40f, 160f),
                rng.Uniform(0, 2 * MathF.PI));
        }

        public ShapeSpec At(int frame)
        {
            var t = frame - StartFrame;
            var scale = 1 + ScaleAmplitude * MathF.Sin(ScalePhase + 2 * MathF.PI * t / ScalePeriod);
            return Shape with
            {
                Center = new Point2f(Shape.Center.X + Velocity.X * t, Shape.Center.Y + Velocity.Y * t),
                Rotation = Shape.Rotation + Spin * t,
                Radius = Shape.Radius * scale,
            };
        }

        public bool HasLeft(int frame, Size size)
        {
            var s = At(frame);
            var margin = s.Radius * 1.5f;
            return s.Center.X < -margin || s.Center.Y < -margin || s.Center.X > size.Width + margin || s.Center.Y > size.Height + margin;
        }
    }
}
