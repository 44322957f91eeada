using System.Reactive.Linq;
using Lookout.Capture;
using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Capture;

public sealed class ImageFolderSourceTests
{
    [Fact]
    public async Task Frames_FolderWithNonImages_SkipsThemAndKeepsSortedOrder()
    {
        using var dir = new TempDir();
        using (var mat = new Mat(30, 40, MatType.CV_8UC3, new Scalar(1, 2, 3)))
        {
            Cv2.ImWrite(dir.File("b.png"), mat);
            Cv2.ImWrite(dir.File("a.jpg"), mat);
            Cv2.ImWrite(dir.File("c.bmp"), mat);
        }

        File.WriteAllText(dir.File("readme.txt"), "not an image");
        File.WriteAllText(dir.File("broken.png"), "not a png either");
        var before = Frame.LiveCount;
        using var source = ImageFolderSource.OpenFolder(dir.Path);

        var names = new List<string>();
        await source.Frames().Do(f =>
        {
            names.Add($"{f.Index}:{f.Source}");
            f.Dispose();
        }).LastOrDefaultAsync();

        Assert.Equal(["0:a.jpg", "1:b.png", "2:c.bmp"], names);
        Assert.Equal(1, source.SkippedFiles);
        FrameAssert.NoLiveFrames(before);
    }

    [Fact]
    public void OpenFolder_NoImages_Throws()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("readme.txt"), "not an image");

        var e = Assert.Throws<SourceException>(() => ImageFolderSource.OpenFolder(dir.Path));

        Assert.Contains(dir.Path, e.Message);
    }

    [Fact]
    public void OpenImage_CorruptImage_ThrowsNamingIt()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("photo.jpg"), [0xFF, 0xD8, 0x00, 0x01, 0x02]);

        var e = Assert.Throws<SourceException>(() => ImageFolderSource.OpenImage(dir.File("photo.jpg")));

        Assert.Contains("photo.jpg", e.Message);
    }
}
