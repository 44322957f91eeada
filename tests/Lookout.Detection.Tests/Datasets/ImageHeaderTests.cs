using Lookout.Detection.Datasets;

namespace Lookout.Detection.Tests.Datasets;

public sealed class ImageHeaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("x.jpg")]
    [InlineData("x.png")]
    [InlineData("x.bmp")]
    public void ReadSize_CommonFormats_MatchesWrittenSize(string name)
    {
        var path = _folder.WriteImage(name, 123, 45);

        Assert.Equal((123, 45), ImageHeader.ReadSize(path));
    }

    [Fact]
    public void ReadSize_NotAnImage_ThrowsDatasetException()
    {
        var path = _folder.Write("x.jpg", "hello");

        var e = Assert.Throws<DatasetException>(() => ImageHeader.ReadSize(path));

        Assert.Contains("not a readable image", e.Message, StringComparison.Ordinal);
    }
}
