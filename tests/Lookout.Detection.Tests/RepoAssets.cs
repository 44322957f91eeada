using OpenCvSharp;

namespace Lookout.Detection.Tests;

/// <summary>Files of this repository (bundled models and the sample video), found from the test binaries upwards.</summary>
internal static class RepoAssets
{
    public static string Model(string name) => File("models", name);

    public static string File(params string[] parts)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Lookout.slnx")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("Lookout.slnx not found above the test folder.");
    }

    /// <summary>The first frame of the bundled sample video; the caller owns it.</summary>
    public static Mat SampleFrame()
    {
        string video = File("videos", "shapes-sample.mp4");
        using var capture = new VideoCapture(video);
        var frame = new Mat();
        Assert.True(capture.Read(frame) && !frame.Empty(), $"no frame in {video}");
        return frame;
    }
}
