using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Lookout.Detection.Datasets;

/// <summary>Writes PASCAL VOC annotations in the LabelImg format that <see cref="VocDataset"/> reads.</summary>
public static class VocWriter
{
    /// <summary>
    /// Writes one annotation under a temporary name and renames it when complete. The XML holds no
    /// absolute path, so the same content gives the same bytes wherever the dataset is written.
    /// </summary>
    /// <remarks><c>truncated</c> is set for boxes that touch the image border.</remarks>
    public static void WriteAnnotation(string xmlPath, string imageFileName, int width, int height, IEnumerable<AnnotatedObject> objects)
    {
        var annotation = new XElement(
            "annotation",
            new XElement("folder", VocDataset.ImagesFolder),
            new XElement("filename", imageFileName),
            new XElement("source", new XElement("database", "Unknown")),
            new XElement(
                "size",
                new XElement("width", width.ToString(CultureInfo.InvariantCulture)),
                new XElement("height", height.ToString(CultureInfo.InvariantCulture)),
                new XElement("depth", "3")),
            new XElement("segmented", "0"));
        foreach (var obj in objects)
        {
            var box = obj.Box;
            var truncated = box.X1 <= 0.5f || box.Y1 <= 0.5f || box.X2 >= width - 0.5f || box.Y2 >= height - 0.5f;
            annotation.Add(new XElement(
                "object",
                new XElement("name", obj.Label),
                new XElement("pose", "Unspecified"),
                new XElement("truncated", truncated ? "1" : "0"),
                new XElement("difficult", obj.Difficult ? "1" : "0"),
                new XElement(
                    "bndbox",
                    new XElement("xmin", Format(box.X1)),
                    new XElement("ymin", Format(box.Y1)),
                    new XElement("xmax", Format(box.X2)),
                    new XElement("ymax", Format(box.Y2)))));
        }

        var temp = xmlPath + ".tmp";
        // No byte-order mark, as LabelImg writes them.
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using (var writer = XmlWriter.Create(temp, settings))
        {
            new XDocument(annotation).Save(writer);
        }

        File.Move(temp, xmlPath, overwrite: true);
    }

    /// <summary>Writes <c>ImageSets/Main/{split}.txt</c>, one image id a line.</summary>
    public static void WriteSplit(string root, string split, IEnumerable<string> ids)
    {
        var folder = Path.Combine(root, VocDataset.SplitsFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, split + ".txt");
        var temp = path + ".tmp";
        File.WriteAllLines(temp, ids);
        File.Move(temp, path, overwrite: true);
    }

    private static string Format(float value) =>
        MathF.Round(value) == value ? ((int)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
}
