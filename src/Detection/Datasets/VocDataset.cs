using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;

namespace Lookout.Detection.Datasets;

/// <summary>
/// Reads a PASCAL VOC dataset as LabelImg writes it: <c>Annotations/*.xml</c>, <c>JPEGImages/</c> and
/// <c>ImageSets/Main/{split}.txt</c>. Class names come from the caller, else from <c>labels.txt</c> in
/// the root, else from the names found in the split's annotations (sorted).
/// </summary>
public static class VocDataset
{
    /// <summary>The class-name file looked for in a VOC root, one name a line in class-id order.</summary>
    public const string LabelsFileName = "labels.txt";

    public const string AnnotationsFolder = "Annotations";
    public const string ImagesFolder = "JPEGImages";
    public const string SplitsFolder = "ImageSets/Main";

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".JPG", ".JPEG", ".PNG"];

    /// <summary>Loads one split (<c>train</c>, <c>val</c>, <c>test</c>…), or every annotation when <paramref name="split"/> is null.</summary>
    /// <exception cref="DatasetException">A file is missing or malformed, or an object names an unknown class.</exception>
    public static DetectionDataset Load(string root, string? split = "test", IReadOnlyList<string>? classNames = null, ILogger? logger = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DatasetException(root, "dataset folder not found; pass the VOC root that holds Annotations/, JPEGImages/ and ImageSets/Main/.");
        }

        var annotations = Path.Combine(root, AnnotationsFolder);
        if (!Directory.Exists(annotations))
        {
            throw new DatasetException(annotations, "folder not found; a VOC dataset keeps one XML file per image in Annotations/.");
        }

        var ids = split is null ? ListAllIds(annotations) : ReadSplit(root, split);
        var labelsPath = Path.Combine(root, LabelsFileName);
        var names = classNames ?? (File.Exists(labelsPath) ? ClassNameList.Read(labelsPath) : null);
        var warnings = new DatasetWarnings(logger);
        var parsed = new List<(string Id, ParsedAnnotation Annotation)>(ids.Count);
        foreach (var id in ids)
        {
            var xmlPath = Path.Combine(annotations, id + ".xml");
            if (!File.Exists(xmlPath))
            {
                throw new DatasetException(xmlPath, $"annotation for image '{id}' of split '{split}' not found; add it or remove the id from the split file.");
            }

            parsed.Add((id, ParseAnnotation(xmlPath)));
        }

        if (names is null)
        {
            var discovered = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (_, annotation) in parsed)
            {
                foreach (var obj in annotation.Objects)
                {
                    discovered.Add(obj.Name);
                }
            }

            names = [.. discovered];
            warnings.Add(root, $"no {LabelsFileName}; class ids follow the sorted names found ({string.Join(", ", names)}). Write {LabelsFileName} to fix the order.");
        }

        var classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            classIds[names[i]] = i;
        }

        var images = new List<AnnotatedImage>(parsed.Count);
        foreach (var (id, annotation) in parsed)
        {
            images.Add(Resolve(root, id, annotation, names, classIds, warnings));
        }

        return new DetectionDataset(root, split, names, images, warnings.Messages);
    }

    /// <summary>The split names present under <c>ImageSets/Main</c>.</summary>
    public static IReadOnlyList<string> ListSplits(string root)
    {
        var folder = Path.Combine(root, SplitsFolder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var splits = Directory.GetFiles(folder, "*.txt").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();
        splits.Sort(StringComparer.Ordinal);
        return splits;
    }

    private static List<string> ListAllIds(string annotations)
    {
        var ids = Directory.GetFiles(annotations, "*.xml").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    private static List<string> ReadSplit(string root, string split)
    {
        var path = Path.Combine(root, SplitsFolder, split + ".txt");
        if (!File.Exists(path))
        {
            var available = ListSplits(root);
            var hint = available.Count == 0 ? "there is no split file at all" : "available: " + string.Join(", ", available);
            throw new DatasetException(path, $"split '{split}' not found ({hint}); pass an existing split or write this file with one image id a line.");
        }

        var ids = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            // Per-class split files carry "id  1"/"id -1"; the id is the first token either way.
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var end = trimmed.IndexOfAny([' ', '\t']);
            ids.Add(end < 0 ? trimmed : trimmed[..end]);
        }

        return ids;
    }

    private static AnnotatedImage Resolve(
        string root,
        string id,
        ParsedAnnotation annotation,
        IReadOnlyList<string> names,
        Dictionary<string, int> classIds,
        DatasetWarnings warnings)
    {
        var imagePath = FindImage(root, id, annotation);
        var (width, height) = (annotation.Width, annotation.Height);
        if (width <= 0 || height <= 0)
        {
            (width, height) = ImageHeader.ReadSize(imagePath);
        }

        var objects = new List<AnnotatedObject>(annotation.Objects.Count);
        for (var i = 0; i < annotation.Objects.Count; i++)
        {
            var obj = annotation.Objects[i];
            if (!classIds.TryGetValue(obj.Name, out var classId))
            {
                throw new DatasetException(
                    annotation.Path,
                    $"line {obj.Line}: <object> #{i + 1} is of class '{obj.Name}', which is not among the {names.Count} known classes ({string.Join(", ", names)}); " +
                    $"add it to {LabelsFileName} (or the class list passed in) or correct the name.");
            }

            var box = warnings.Clip(obj.Box, width, height, annotation.Path, $"line {obj.Line}: <object> #{i + 1} ({obj.Name})");
            if (box is { } kept)
            {
                objects.Add(new AnnotatedObject(classId, names[classId], kept, obj.Difficult));
            }
        }

        return new AnnotatedImage(id, imagePath, width, height, objects);
    }

    private static string FindImage(string root, string id, ParsedAnnotation annotation)
    {
        var folder = Path.Combine(root, ImagesFolder);
        if (annotation.FileName is { Length: > 0 } fileName)
        {
            var named = Path.Combine(folder, Path.GetFileName(fileName));
            if (File.Exists(named))
            {
                return named;
            }
        }

        foreach (var extension in ImageExtensions)
        {
            var candidate = Path.Combine(folder, id + extension);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var expected = Path.Combine(folder, annotation.FileName is { Length: > 0 } f ? Path.GetFileName(f) : id + ".jpg");
        throw new DatasetException(annotation.Path, $"its image {expected} does not exist; put the image in {ImagesFolder}/ or correct <filename>.");
    }

    private static ParsedAnnotation ParseAnnotation(string path)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(path, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new DatasetException(path, $"line {e.LineNumber}: not well-formed XML ({e.Message}); fix or regenerate the annotation.", e);
        }

        var rootElement = document.Root;
        if (rootElement is null || rootElement.Name.LocalName != "annotation")
        {
            throw new DatasetException(path, "the root element is not <annotation>; this is not a VOC/LabelImg annotation file.");
        }

        var fileName = rootElement.Element("filename")?.Value.Trim();
        var size = rootElement.Element("size");
        var width = size is null ? 0 : ReadInt(path, size, "width", required: false);
        var height = size is null ? 0 : ReadInt(path, size, "height", required: false);
        var objects = new List<ParsedObject>();
        foreach (var element in rootElement.Elements("object"))
        {
            var line = LineOf(element);
            var name = element.Element("name")?.Value.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new DatasetException(path, $"line {line}: <object> has no <name>; give every object its class name.");
            }

            var bndbox = element.Element("bndbox")
                ?? throw new DatasetException(path, $"line {line}: <object> '{name}' has no <bndbox>; give it <xmin>, <ymin>, <xmax>, <ymax>.");
            var box = new BoxF(
                ReadFloat(path, bndbox, "xmin"),
                ReadFloat(path, bndbox, "ymin"),
                ReadFloat(path, bndbox, "xmax"),
                ReadFloat(path, bndbox, "ymax"));
            if (box.X2 <= box.X1 || box.Y2 <= box.Y1)
            {
                throw new DatasetException(path, $"line {LineOf(bndbox)}: <bndbox> of '{name}' has xmax <= xmin or ymax <= ymin ({box.X1}, {box.Y1}, {box.X2}, {box.Y2}); correct the corners.");
            }

            var difficultText = element.Element("difficult")?.Value.Trim();
            var difficult = difficultText is "1" or "true" or "True";
            objects.Add(new ParsedObject(name, box, difficult, line));
        }

        return new ParsedAnnotation(path, fileName, width, height, objects);
    }

    private static int LineOf(XElement element) => ((IXmlLineInfo)element).LineNumber;

    private static float ReadFloat(string path, XElement parent, string name)
    {
        var element = parent.Element(name)
            ?? throw new DatasetException(path, $"line {LineOf(parent)}: <{parent.Name.LocalName}> has no <{name}>; add it.");
        if (!float.TryParse(element.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
        {
            throw new DatasetException(path, $"line {LineOf(element)}: <{name}> '{element.Value}' is not a number; correct it.");
        }

        return value;
    }

    private static int ReadInt(string path, XElement parent, string name, bool required)
    {
        var element = parent.Element(name);
        if (element is null)
        {
            return required ? throw new DatasetException(path, $"line {LineOf(parent)}: <{parent.Name.LocalName}> has no <{name}>; add it.") : 0;
        }

        if (!int.TryParse(element.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new DatasetException(path, $"line {LineOf(element)}: <{name}> '{element.Value}' is not a whole number of pixels; correct it.");
        }

        return value;
    }

    private sealed record ParsedObject(string Name, BoxF Box, bool Difficult, int Line);

    private sealed record ParsedAnnotation(string Path, string? FileName, int Width, int Height, List<ParsedObject> Objects);
}
