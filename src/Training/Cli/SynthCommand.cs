using System.Globalization;
using Lookout.Training.Synthetic;
using OpenCvSharp;

namespace Lookout.Training.Cli;

/// <summary>
/// <c>synth --out DIR --count N [--seed S] [--size WxH…] [--split-ratios TRAIN,VAL,TEST] [--objects MIN-MAX] [--distractors MIN-MAX]</c> writes a VOC
/// dataset; <c>synth --video OUT.mp4 --frames N [--seed S] [--size WxH] [--fps F] [--truth OUT.jsonl]</c>
/// writes an annotated video.
/// </summary>
internal static class SynthCommand
{
    public const string Usage =
        "lookout-train synth --out DIR --count N [--seed S] [--size WxH[,WxH...]] [--split-ratios 0.8,0.1,0.1] [--objects 1-8] [--distractors MIN-MAX]\n" +
        "lookout-train synth --video OUT.mp4 --frames N [--seed S] [--size WxH] [--fps 25] [--truth OUT.jsonl]";

    public static int Run(Arguments args, TextWriter output)
    {
        var seed = args.Int("seed", 1);
        var video = args.String("video");
        if (video is not null)
        {
            var frames = args.Int("frames", 300, 1, 1_000_000);
            var sizes = args.Sizes("size", [new Size(640, 360)]);
            if (sizes.Count != 1)
            {
                throw new UsageException("--size: a video has one size.");
            }

            var fps = args.Double("fps", 25, 1, 240);
            var truth = args.String("truth") ?? Path.ChangeExtension(video, ".jsonl");
            args.EnsureAllUsed();
            var objects = SyntheticVideoGenerator.Write(video, truth, frames, seed, sizes[0], fps);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {video} ({frames} frames, {sizes[0].Width}x{sizes[0].Height}, {fps} fps) and {truth} ({objects} objects)"));
            return 0;
        }

        var outDir = args.RequiredString("out");
        var count = args.Int("count", 1000, 1, 10_000_000);
        var imageSizes = args.Sizes("size", SyntheticImageGenerator.DefaultSizes);
        var ratios = ParseRatios(args.String("split-ratios") ?? "0.8,0.1,0.1");
        var perImage = ParseObjects(args.String("objects"));
        var distractors = ParseDistractors(args.String("distractors"));
        args.EnsureAllUsed();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var perClass = SyntheticDatasetWriter.Write(outDir, count, seed, imageSizes, ratios, perImage, distractors: distractors);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {count} images to {outDir} in {started.Elapsed.TotalSeconds:F1} s"));
        for (var c = 0; c < perClass.Length; c++)
        {
            output.WriteLine($"  {ShapeClasses.Names[c],-9} {perClass[c]}");
        }

        return 0;
    }

    /// <summary><c>--objects MIN-MAX</c> (or one number N for exactly N); null when not given.</summary>
    internal static ObjectCount? ParseObjects(string? text) =>
        ParseRange(text, 1, ObjectCount.Most) is var (min, max) ? new ObjectCount(min, max)
        : text is null ? null
        : throw new UsageException($"--objects '{text}' must be MIN-MAX objects per image, 0 <= MIN <= MAX <= {ObjectCount.Most}, MAX >= 1 (e.g. 1-8, the default).");

    /// <summary><c>--distractors MIN-MAX</c> (or one number N for exactly N); null when not given.</summary>
    internal static DistractorCount? ParseDistractors(string? text) =>
        ParseRange(text, 0, DistractorCount.Most) is var (min, max) ? new DistractorCount(min, max)
        : text is null ? null
        : throw new UsageException($"--distractors '{text}' must be MIN-MAX distractors per image, 0 <= MIN <= MAX <= {DistractorCount.Most} (e.g. 6-20; by default 0 to 7).");

    /// <summary>MIN-MAX or N with 0 ≤ MIN ≤ MAX, <paramref name="leastMax"/> ≤ MAX ≤ <paramref name="most"/>; null when absent or not so.</summary>
    private static (int Min, int Max)? ParseRange(string? text, int leastMax, int most)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        if (parts.Length is 1 or 2 && parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
        {
            var (min, max) = (values[0], values[^1]);
            if (min <= max && max >= leastMax && max <= most)
            {
                return (min, max);
            }
        }

        return null;
    }

    private static (double, double, double) ParseRatios(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[3];
        if (parts.Length != 3 || !parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && values[i] >= 0).All(ok => ok) || values.Sum() <= 0)
        {
            throw new UsageException($"--split-ratios '{text}' must be three non-negative numbers TRAIN,VAL,TEST (e.g. 0.8,0.1,0.1).");
        }

        return (values[0], values[1], values[2]);
    }
}
