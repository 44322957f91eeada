using Lookout.Detection.Datasets;

namespace Lookout.Detection.Tests.Datasets;

public sealed class YoloDatasetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Load_NormalizedLines_GivesPixelBoxes()
    {
        _folder.Write("classes.txt", "circle\nsquare\n");
        _folder.WriteImage("images/a.png", 100, 50);
        _folder.WriteImage("images/b.jpg", 20, 20);
        _folder.Write("labels/a.txt", "1 0.5 0.5 0.2 0.4\n\n0 0.1 0.2 0.2 0.2\n");

        var dataset = YoloDataset.Load(_folder.Path);

        Assert.Equal(["circle", "square"], dataset.ClassNames);
        Assert.Equal(2, dataset.Images.Count);
        var a = dataset.Images[0];
        Assert.Equal((100, 50), (a.Width, a.Height));
        Assert.Equal(2, a.Objects.Count);
        Assert.Equal(1, a.Objects[0].ClassId);
        AssertBox(new BoxF(40, 15, 60, 35), a.Objects[0].Box);
        AssertBox(new BoxF(0, 5, 20, 15), a.Objects[1].Box);
        Assert.Empty(dataset.Images[1].Objects);
        Assert.Empty(dataset.Warnings);
    }

    [Fact]
    public void Load_SplitFolders_ReadsOnlyThatSplit()
    {
        _folder.Write("obj.names", "circle\n");
        _folder.WriteImage("images/train/a.jpg", 10, 10);
        _folder.WriteImage("images/val/b.jpg", 10, 10);
        _folder.Write("labels/val/b.txt", "0 0.5 0.5 0.5 0.5\n");

        var dataset = YoloDataset.Load(_folder.Path, "val");

        Assert.Equal("b", Assert.Single(dataset.Images).Id);
    }

    [Fact]
    public void Load_ClassIndexOutOfRange_ThrowsNamingFileAndLine()
    {
        _folder.Write("classes.txt", "circle\nsquare\n");
        _folder.WriteImage("images/a.jpg", 10, 10);
        _folder.Write("labels/a.txt", "0 0.5 0.5 0.5 0.5\n2 0.5 0.5 0.5 0.5\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(_folder.Path));

        Assert.Contains("a.txt: line 2: class 2 is unknown", e.Message, StringComparison.Ordinal);
        Assert.Contains("names file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongFieldCount_Throws()
    {
        _folder.Write("classes.txt", "circle\n");
        _folder.WriteImage("images/a.jpg", 10, 10);
        _folder.Write("labels/a.txt", "0 0.5 0.5 0.5\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(_folder.Path));

        Assert.Contains("line 1: expected 5 fields", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelWithoutImage_ThrowsNamingLabel()
    {
        _folder.Write("classes.txt", "circle\n");
        _folder.WriteImage("images/a.jpg", 10, 10);
        _folder.Write("labels/ghost.txt", "0 0.5 0.5 0.5 0.5\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(_folder.Path));

        Assert.EndsWith("ghost.txt", e.FilePath, StringComparison.Ordinal);
        Assert.Contains("has no image", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BoxOutsideImage_ClipsAndWarns()
    {
        _folder.Write("classes.txt", "circle\n");
        _folder.WriteImage("images/a.jpg", 100, 100);
        _folder.Write("labels/a.txt", "0 0.95 0.5 0.3 0.2\n");

        var dataset = YoloDataset.Load(_folder.Path);

        AssertBox(new BoxF(80, 40, 100, 60), dataset.Images[0].Objects[0].Box);
        Assert.Contains("a.txt: line 1", Assert.Single(dataset.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoNamesFile_ThrowsSayingWhatToWrite()
    {
        _folder.WriteImage("images/a.jpg", 10, 10);

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(_folder.Path));

        Assert.Contains("no names file found", e.Message, StringComparison.Ordinal);
    }

    private static void AssertBox(BoxF expected, BoxF actual)
    {
        Assert.Equal(expected.X1, actual.X1, 3);
        Assert.Equal(expected.Y1, actual.Y1, 3);
        Assert.Equal(expected.X2, actual.X2, 3);
        Assert.Equal(expected.Y2, actual.Y2, 3);
    }
}
