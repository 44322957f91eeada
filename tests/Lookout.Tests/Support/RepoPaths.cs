namespace Lookout.Tests.Support;

/// <summary>Paths inside this repository (its bundled models and sample), found from the test build's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Lookout.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (Lookout.slnx) not found above the test folder");
    });

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary><c>videos/shapes-sample.mp4</c>, the default input.</summary>
    public static string Sample => Path("videos", "shapes-sample.mp4");
}
