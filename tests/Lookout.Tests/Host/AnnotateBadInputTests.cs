using Lookout.Tests.Support;
using OpenCvSharp;

namespace Lookout.Tests.Host;

/// <summary>Every bad input gives one clear message naming the thing, a non-zero exit, and no output under the final name.</summary>
public sealed class AnnotateBadInputTests
{
    // Input errors are reported before the model is loaded, so any existing file serves as the model.
    private static readonly Lazy<string> s_anyModel = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), "lookout-tests-unloaded-model.onnx");
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    });

    [Fact]
    public async Task Annotate_MissingInput_ExitsTwoNamingIt()
    {
        using var dir = new TempDir();

        var (code, error) = await CliRunner.RunAsync("annotate", dir.File("nope.mp4"), "--model", s_anyModel.Value, "--output", dir.File("o.mp4"), "--detections", dir.File("d.jsonl"));

        Assert.Equal(2, code);
        Assert.Contains("nope.mp4", error);
        Assert.Contains("does not exist", error);
        Assert.Empty(Listing(dir));
    }

    [Fact]
    public async Task Annotate_FileNotAVideo_ExitsTwoNamingIt()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("clip.mp4"), "plain text, not a video");

        var (code, error) = await CliRunner.RunAsync("annotate", dir.File("clip.mp4"), "--model", s_anyModel.Value, "--output", dir.File("o.mp4"), "--detections", dir.File("d.jsonl"));

        Assert.Equal(2, code);
        Assert.Contains("clip.mp4", error);
        Assert.Equal(["clip.mp4"], Listing(dir));
    }

    [Fact]
    public async Task Annotate_ZeroFrameVideo_ExitsTwoNamingIt()
    {
        using var dir = new TempDir();
        using (var writer = new VideoWriter(dir.File("empty.avi"), FourCC.MJPG, 10, new Size(64, 48)))
        {
        }

        var (code, error) = await CliRunner.RunAsync("annotate", dir.File("empty.avi"), "--model", s_anyModel.Value, "--output", dir.File("o.mp4"));

        Assert.Equal(2, code);
        Assert.Contains("empty.avi", error);
        Assert.Equal(["empty.avi"], Listing(dir));
    }

    [Fact]
    public async Task Annotate_GarbageOnnx_ExitsTwoNamingModel()
    {
        using var dir = new TempDir();
        TestVideos.Write(dir.File("clip.avi"), 3);
        var model = dir.File("junk.onnx");
        File.WriteAllBytes(model, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());

        var (code, error) = await CliRunner.RunAsync("annotate", dir.File("clip.avi"), "--model", model, "--output", dir.File("o.mp4"), "--detections", dir.File("d.jsonl"));

        Assert.Equal(2, code);
        Assert.Contains("junk.onnx", error);
        Assert.Equal(["clip.avi", "junk.onnx"], Listing(dir));
    }

    [Fact]
    public async Task Annotate_MissingModel_ExitsTwoNamingModel()
    {
        using var dir = new TempDir();
        TestVideos.Write(dir.File("clip.avi"), 3);

        var (code, error) = await CliRunner.RunAsync("annotate", dir.File("clip.avi"), "--model", dir.File("absent.onnx"), "--output", dir.File("o.mp4"));

        Assert.Equal(2, code);
        Assert.Contains("absent.onnx", error);
        Assert.Equal(["clip.avi"], Listing(dir));
    }

    [SkippableFact]
    public async Task Annotate_UnwritableOutput_ExitsTwoNamingPath()
    {
        Skip.If(SharedAssets.Root is null, SharedAssets.SkipReason);
        using var dir = new TempDir();
        TestVideos.Write(dir.File("clip.avi"), 3);
        File.WriteAllText(dir.File("blocker"), "a file where a folder should be");

        var (code, error) = await CliRunner.RunAsync("annotate", dir.File("clip.avi"), "--model", SharedAssets.Path("models", "ultraface-rfb-320.onnx"), "--output", dir.File("blocker/out.mp4"));

        Assert.Equal(2, code);
        Assert.Contains("out.mp4", error);
        Assert.Equal(["blocker", "clip.avi"], Listing(dir));
    }

    [Fact]
    public async Task Annotate_InvalidConfigurationValue_ExitsTwoNamingKey()
    {
        using var dir = new TempDir();
        TestVideos.Write(dir.File("clip.avi"), 3);

        var (code, error) = await CliRunner.RunAsync("annotate", dir.File("clip.avi"), "--score", "1.5");

        Assert.Equal(2, code);
        Assert.Contains("Detector", error);
        Assert.Contains("ScoreThreshold", error);
    }

    private static string[] Listing(TempDir dir) =>
        Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
}
