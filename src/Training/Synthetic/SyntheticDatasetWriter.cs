using Lookout.Detection.Datasets;
using OpenCvSharp;

namespace Lookout.Training.Synthetic;

/// <summary>
/// Writes a synthetic VOC dataset: images, LabelImg annotations, <c>labels.txt</c> and train/val/test splits,
/// plus, when there are several image sizes, the test split by size (<c>test-640x480</c>…).
/// </summary>
public static class SyntheticDatasetWriter
{
    /// <summary>
    /// Writes <paramref name="count"/> images into <paramref name="outputDirectory"/>, which must not exist
    /// or be empty. Everything is written into a sibling folder that is renamed when complete, so a
    /// stopped run leaves no half dataset under the final name.
    /// </summary>
    /// <param name="splitRatios">Fractions of train, val and test (normalized); ids are shuffled by the seed.</param>
    /// <param name="objects">Objects per image; default <see cref="SyntheticImageGenerator.DefaultObjects"/>.</param>
    /// <param name="distractors">Distractors per image; default as <see cref="SyntheticImageGenerator.Generate"/> says.</param>
    /// <returns>Objects written per class.</returns>
    public static int[] Write(
        string outputDirectory,
        int count,
        int seed,
        IReadOnlyList<Size> sizes,
        (double Train, double Val, double Test) splitRatios,
        ObjectCount? objects = null,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default,
        DistractorCount? distractors = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var final = Path.GetFullPath(outputDirectory);
        if (Directory.Exists(final) && Directory.EnumerateFileSystemEntries(final).Any())
        {
            throw new IOException($"{final}: the output folder exists and is not empty; choose a new folder or remove it.");
        }

        var temp = final.TrimEnd(Path.DirectorySeparatorChar) + ".partial";
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        var images = Path.Combine(temp, VocDataset.ImagesFolder);
        var annotations = Path.Combine(temp, VocDataset.AnnotationsFolder);
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(annotations);
        ClassNameList.Write(Path.Combine(temp, VocDataset.LabelsFileName), ShapeClasses.Names);

        var perClass = new int[ShapeClasses.Names.Count];
        var imageSizes = new Size[count];
        var done = 0;
        Parallel.For(
            0,
            count,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            i =>
            {
                var id = ImageId(i);
                var (image, truth, quality) = SyntheticImageGenerator.Generate(seed, i, sizes, objects, distractors);
                using (image)
                {
                    imageSizes[i] = image.Size();
                    Cv2.ImWrite(Path.Combine(images, id + ".jpg"), image, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
                    VocWriter.WriteAnnotation(Path.Combine(annotations, id + ".xml"), id + ".jpg", image.Width, image.Height, truth);
                }

                lock (perClass)
                {
                    foreach (var o in truth)
                    {
                        perClass[o.ClassId]++;
                    }

                    progress?.Report(++done);
                }
            });

        var ids = Enumerable.Range(0, count).Select(ImageId).ToArray();
        new Random(seed).Shuffle(ids);
        var total = splitRatios.Train + splitRatios.Val + splitRatios.Test;
        var trainCount = (int)Math.Round(count * splitRatios.Train / total);
        var valCount = Math.Min(count - trainCount, (int)Math.Round(count * splitRatios.Val / total));
        VocWriter.WriteSplit(temp, "train", Sorted(ids[..trainCount]));
        VocWriter.WriteSplit(temp, "val", Sorted(ids[trainCount..(trainCount + valCount)]));
        var test = Sorted(ids[(trainCount + valCount)..]);
        VocWriter.WriteSplit(temp, "test", test);
        if (sizes.Count > 1)
        {
            // The test split by image size, so a model can be scored on each (eval --split test-1280x720).
            var sizeOf = Enumerable.Range(0, count).ToDictionary(ImageId, i => imageSizes[i]);
            foreach (var group in test.GroupBy(id => sizeOf[id]))
            {
                VocWriter.WriteSplit(temp, $"test-{group.Key.Width}x{group.Key.Height}", [.. group]);
            }
        }

        if (Directory.Exists(final))
        {
            Directory.Delete(final);
        }

        Directory.Move(temp, final);
        return perClass;
    }

    private static string ImageId(int index) => $"synth_{index:D6}";

    private static string[] Sorted(string[] ids)
    {
        var copy = (string[])ids.Clone();
        Array.Sort(copy, StringComparer.Ordinal);
        return copy;
    }
}
