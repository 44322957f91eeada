using Lookout.Detection.Datasets;

namespace Lookout.Detection.Tests.Datasets;

public sealed class VocDatasetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Annotation(string fileName, int width, int height, params string[] objects) =>
        $"""
        <annotation>
          <folder>JPEGImages</folder>
          <filename>{fileName}</filename>
          <path>/somewhere/else/{fileName}</path>
          <size><width>{width}</width><height>{height}</height><depth>3</depth></size>
          <segmented>0</segmented>
          {string.Join("\n  ", objects)}
        </annotation>
        """;

    private static string Object(string name, int x1, int y1, int x2, int y2, int difficult = 0) =>
        $"<object><name>{name}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>{difficult}</difficult>" +
        $"<bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>";

    private void WriteImage(string id, string xml, int width = 64, int height = 48)
    {
        _folder.WriteImage($"JPEGImages/{id}.jpg", width, height);
        _folder.Write($"Annotations/{id}.xml", xml);
    }

    [Fact]
    public void Load_ValidSplit_ReadsBoxesClassesAndDifficult()
    {
        _folder.Write("labels.txt", "cat\ndog\n");
        WriteImage("a", Annotation("a.jpg", 64, 48, Object("dog", 1, 2, 30, 40), Object("cat", 10, 10, 20, 20, difficult: 1)));
        WriteImage("b", Annotation("b.jpg", 64, 48));
        _folder.Write("ImageSets/Main/test.txt", "a\nb\n");

        var dataset = VocDataset.Load(_folder.Path, "test");

        Assert.Equal(["cat", "dog"], dataset.ClassNames);
        Assert.Equal(2, dataset.Images.Count);
        var a = dataset.Images[0];
        Assert.Equal("a", a.Id);
        Assert.Equal((64, 48), (a.Width, a.Height));
        Assert.EndsWith("a.jpg", a.ImagePath, StringComparison.Ordinal);
        Assert.Equal(new AnnotatedObject(1, "dog", new BoxF(1, 2, 30, 40), false), a.Objects[0]);
        Assert.Equal(new AnnotatedObject(0, "cat", new BoxF(10, 10, 20, 20), true), a.Objects[1]);
        Assert.Empty(dataset.Images[1].Objects);
        Assert.Empty(dataset.Warnings);
        Assert.Equal([1, 1], dataset.CountObjectsPerClass());
    }

    [Fact]
    public void Load_ClassListGiven_UsesItsOrder()
    {
        WriteImage("a", Annotation("a.jpg", 64, 48, Object("dog", 1, 2, 30, 40)));
        _folder.Write("ImageSets/Main/train.txt", "a\n");

        var dataset = VocDataset.Load(_folder.Path, "train", ["bird", "dog"]);

        Assert.Equal(1, dataset.Images[0].Objects[0].ClassId);
    }

    [Fact]
    public void Load_NoLabelsFile_UsesSortedNamesWithWarning()
    {
        WriteImage("a", Annotation("a.jpg", 64, 48, Object("zebra", 1, 2, 30, 40), Object("ant", 1, 2, 30, 40)));

        var dataset = VocDataset.Load(_folder.Path, split: null);

        Assert.Equal(["ant", "zebra"], dataset.ClassNames);
        Assert.Contains(dataset.Warnings, w => w.Contains("labels.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MalformedXml_ThrowsNamingFileAndLine()
    {
        _folder.Write("labels.txt", "cat\n");
        WriteImage("a", "<annotation>\n<filename>a.jpg</filename>\n<object><name>cat</name>\n</annotation>");
        _folder.Write("ImageSets/Main/test.txt", "a\n");

        var e = Assert.Throws<DatasetException>(() => VocDataset.Load(_folder.Path));

        Assert.EndsWith("a.xml", e.FilePath, StringComparison.Ordinal);
        Assert.Contains("a.xml: line 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("not well-formed XML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingBndboxCoordinate_ThrowsNamingElement()
    {
        _folder.Write("labels.txt", "cat\n");
        WriteImage("a", Annotation("a.jpg", 64, 48, "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax></bndbox></object>"));
        _folder.Write("ImageSets/Main/test.txt", "a\n");

        var e = Assert.Throws<DatasetException>(() => VocDataset.Load(_folder.Path));

        Assert.Contains("<bndbox> has no <ymax>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingImage_ThrowsNamingAnnotationAndImage()
    {
        _folder.Write("labels.txt", "cat\n");
        _folder.Write("Annotations/a.xml", Annotation("a.jpg", 64, 48, Object("cat", 1, 2, 30, 40)));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "JPEGImages"));
        _folder.Write("ImageSets/Main/test.txt", "a\n");

        var e = Assert.Throws<DatasetException>(() => VocDataset.Load(_folder.Path));

        Assert.EndsWith("a.xml", e.FilePath, StringComparison.Ordinal);
        Assert.Contains("JPEGImages/a.jpg does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownClass_ThrowsNamingClassAndFix()
    {
        _folder.Write("labels.txt", "cat\ndog\n");
        WriteImage("a", Annotation("a.jpg", 64, 48, Object("cat", 1, 2, 30, 40), Object("horse", 1, 2, 30, 40)));
        _folder.Write("ImageSets/Main/test.txt", "a\n");

        var e = Assert.Throws<DatasetException>(() => VocDataset.Load(_folder.Path));

        Assert.Contains("a.xml: line", e.Message, StringComparison.Ordinal);
        Assert.Contains("<object> #2 is of class 'horse'", e.Message, StringComparison.Ordinal);
        Assert.Contains("add it to labels.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BoxOutsideImage_ClipsAndWarns()
    {
        _folder.Write("labels.txt", "cat\n");
        WriteImage("a", Annotation("a.jpg", 64, 48, Object("cat", -10, 5, 80, 40), Object("cat", 100, 100, 120, 120)));
        _folder.Write("ImageSets/Main/test.txt", "a\n");

        var dataset = VocDataset.Load(_folder.Path);

        var only = Assert.Single(dataset.Images[0].Objects);
        Assert.Equal(new BoxF(0, 5, 64, 40), only.Box);
        Assert.Equal(2, dataset.Warnings.Count);
        Assert.Contains("clipped", dataset.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("dropped", dataset.Warnings[1], StringComparison.Ordinal);
        Assert.All(dataset.Warnings, w => Assert.Contains("a.xml", w, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InvertedBox_Throws()
    {
        _folder.Write("labels.txt", "cat\n");
        WriteImage("a", Annotation("a.jpg", 64, 48, Object("cat", 30, 5, 10, 40)));
        _folder.Write("ImageSets/Main/test.txt", "a\n");

        var e = Assert.Throws<DatasetException>(() => VocDataset.Load(_folder.Path));

        Assert.Contains("xmax <= xmin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingSplit_ThrowsListingAvailableSplits()
    {
        _folder.Write("labels.txt", "cat\n");
        WriteImage("a", Annotation("a.jpg", 64, 48));
        _folder.Write("ImageSets/Main/train.txt", "a\n");

        var e = Assert.Throws<DatasetException>(() => VocDataset.Load(_folder.Path, "val"));

        Assert.Contains("split 'val' not found (available: train)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SizeMissing_ReadsImageHeader()
    {
        _folder.Write("labels.txt", "cat\n");
        WriteImage("a", "<annotation><filename>a.jpg</filename>" + Object("cat", 1, 1, 10, 10) + "</annotation>", width: 37, height: 21);
        _folder.Write("ImageSets/Main/test.txt", "a\n");

        var dataset = VocDataset.Load(_folder.Path);

        Assert.Equal((37, 21), (dataset.Images[0].Width, dataset.Images[0].Height));
    }

    [Fact]
    public void WriteAnnotation_ThenLoad_RoundTrips()
    {
        _folder.WriteImage("JPEGImages/x.jpg", 64, 48);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "Annotations"));
        var objects = new[]
        {
            new AnnotatedObject(0, "cat", new BoxF(0, 3, 20.5f, 48), false),
            new AnnotatedObject(1, "dog", new BoxF(5, 6, 7, 8), true),
        };
        VocWriter.WriteAnnotation(Path.Combine(_folder.Path, "Annotations", "x.xml"), "x.jpg", 64, 48, objects);
        VocWriter.WriteSplit(_folder.Path, "val", ["x"]);
        ClassNameList.Write(Path.Combine(_folder.Path, VocDataset.LabelsFileName), ["cat", "dog"]);

        var dataset = VocDataset.Load(_folder.Path, "val");

        Assert.Equal(objects, dataset.Images[0].Objects);
        Assert.Equal(["val"], VocDataset.ListSplits(_folder.Path));
        Assert.Contains("<truncated>1</truncated>", File.ReadAllText(Path.Combine(_folder.Path, "Annotations", "x.xml")), StringComparison.Ordinal);
    }
}
