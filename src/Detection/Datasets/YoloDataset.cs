using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Lookout.Detection.Datasets;

/// <summary>
/// Reads a YOLO-txt dataset: <c>images/[split/]</c> and <c>labels/[split/]</c> with one
/// <c>class cx cy w h</c> line per object, normalized to the image size, and a names file.
/// An image without a label file has no objects (a background image).
/// </summary>
public static class YoloDataset
{
    /// <summary>Names files looked for in the root, in this order, when none is given.</summary>
    public static readonly IReadOnlyList<string> NamesFileCandidates = ["classes.txt", "obj.names", "names.txt", "labels.txt"];

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp" };

    /// <summary>Loads a split (a sub-folder of <c>images/</c>), or the images directly under <c>images/</c> when <paramref name="split"/> is null.</summary>
    /// <exception cref="DatasetException">A file is missing or malformed, or a line names an unknown class.</exception>
    public static DetectionDataset Load(string root, string? split = null, IReadOnlyList<string>? classNames = null, string? namesFile = null, ILogger? logger = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DatasetException(root, "dataset folder not found; pass the YOLO root that holds images/, labels/ and a names file.");
        }

        var names = classNames ?? ClassNameList.Read(namesFile ?? FindNamesFile(root));
        var imagesFolder = split is null ? Path.Combine(root, "images") : Path.Combine(root, "images", split);
        var labelsFolder = split is null ? Path.Combine(root, "labels") : Path.Combine(root, "labels", split);
        if (!Directory.Exists(imagesFolder))
        {
            throw new DatasetException(imagesFolder, "folder not found; a YOLO dataset keeps its images in images/ (or images/<split>/).");
        }

        var imagesById = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(imagesFolder))
        {
            if (ImageExtensions.Contains(Path.GetExtension(file)))
            {
                imagesById[Path.GetFileNameWithoutExtension(file)] = file;
            }
        }

        if (Directory.Exists(labelsFolder))
        {
            foreach (var label in Directory.EnumerateFiles(labelsFolder, "*.txt"))
            {
                if (!imagesById.ContainsKey(Path.GetFileNameWithoutExtension(label)))
                {
                    throw new DatasetException(label, $"has no image of the same name in {imagesFolder}; add the image or remove the label file.");
                }
            }
        }

        var ids = imagesById.Keys.ToList();
        ids.Sort(StringComparer.Ordinal);
        var warnings = new DatasetWarnings(logger);
        var images = new List<AnnotatedImage>(ids.Count);
        foreach (var id in ids)
        {
            var imagePath = imagesById[id];
            var (width, height) = ImageHeader.ReadSize(imagePath);
            var labelPath = Path.Combine(labelsFolder, id + ".txt");
            var objects = File.Exists(labelPath) ? ReadLabels(labelPath, width, height, names, warnings) : [];
            images.Add(new AnnotatedImage(id, imagePath, width, height, objects));
        }

        return new DetectionDataset(root, split, names, images, warnings.Messages);
    }

    private static string FindNamesFile(string root)
    {
        foreach (var candidate in NamesFileCandidates)
        {
            var path = Path.Combine(root, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        var names = Directory.GetFiles(root, "*.names");
        if (names.Length == 1)
        {
            return names[0];
        }

        throw new DatasetException(root, $"no names file found (looked for {string.Join(", ", NamesFileCandidates)} or one *.names); write the class names one a line, in class-id order.");
    }

    private static List<AnnotatedObject> ReadLabels(string path, int width, int height, IReadOnlyList<string> names, DatasetWarnings warnings)
    {
        var objects = new List<AnnotatedObject>();
        var lineNumber = 0;
        Span<float> values = stackalloc float[4];
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 5)
            {
                throw new DatasetException(path, $"line {lineNumber}: expected 5 fields 'class cx cy w h', found {fields.Length} ('{line}'); correct the line.");
            }

            if (!int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var classId))
            {
                throw new DatasetException(path, $"line {lineNumber}: class '{fields[0]}' is not a class index; write the 0-based index into the names file.");
            }

            if (classId < 0 || classId >= names.Count)
            {
                throw new DatasetException(path, $"line {lineNumber}: class {classId} is unknown: the names file lists {names.Count} classes (0..{names.Count - 1}); add the class to the names file or correct the index.");
            }

            for (var i = 0; i < 4; i++)
            {
                if (!float.TryParse(fields[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                {
                    throw new DatasetException(path, $"line {lineNumber}: field {i + 2} '{fields[i + 1]}' is not a number; correct the line.");
                }
            }

            if (values[2] <= 0 || values[3] <= 0)
            {
                throw new DatasetException(path, $"line {lineNumber}: width and height must be positive, found {fields[3]} and {fields[4]}; correct the line.");
            }

            var box = new BoxF(
                (values[0] - values[2] / 2) * width,
                (values[1] - values[3] / 2) * height,
                (values[0] + values[2] / 2) * width,
                (values[1] + values[3] / 2) * height);
            if (warnings.Clip(box, width, height, path, $"line {lineNumber}") is { } kept)
            {
                objects.Add(new AnnotatedObject(classId, names[classId], kept));
            }
        }

        return objects;
    }
}
