namespace Lookout.Detection.Datasets;

/// <summary>
/// A loaded split of an object-detection dataset, whatever its on-disk format: class names in class-id
/// order, the images with their ground truth, and what the reader fixed up on the way (clipped boxes…).
/// </summary>
public sealed class DetectionDataset
{
    public DetectionDataset(
        string root,
        string? split,
        IReadOnlyList<string> classNames,
        IReadOnlyList<AnnotatedImage> images,
        IReadOnlyList<string> warnings)
    {
        Root = root;
        Split = split;
        ClassNames = classNames;
        Images = images;
        Warnings = warnings;
    }

    /// <summary>The dataset's root folder.</summary>
    public string Root { get; }

    /// <summary>The split loaded (<c>train</c>, <c>val</c>, <c>test</c>), or null for every image.</summary>
    public string? Split { get; }

    /// <summary>Class names; a class id indexes this list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public IReadOnlyList<AnnotatedImage> Images { get; }

    /// <summary>
    /// Null for a dataset of image files. Otherwise the video whose frames, in order, are the images
    /// (<see cref="AnnotatedImage.ImagePath"/> is then this video for every frame); see <see cref="VideoTruthDataset"/>.
    /// </summary>
    public string? VideoPath { get; init; }

    /// <summary>One line per fix-up made while reading (box clipped, empty box dropped), naming the file.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Number of objects of each class, difficult ones included.</summary>
    public int[] CountObjectsPerClass()
    {
        var counts = new int[ClassNames.Count];
        foreach (var image in Images)
        {
            foreach (var obj in image.Objects)
            {
                counts[obj.ClassId]++;
            }
        }

        return counts;
    }
}
