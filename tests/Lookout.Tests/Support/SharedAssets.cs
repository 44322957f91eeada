namespace Lookout.Tests.Support;

/// <summary>Finds the shared models and media (<c>../shared</c> beside the repository, or <c>LOOKOUT_SHARED</c>).</summary>
public static class SharedAssets
{
    private static readonly Lazy<string?> s_root = new(Find);

    public static string? Root => s_root.Value;

    public static string SkipReason => "shared assets (../shared with models/ and media/) are not present beside the repository; set LOOKOUT_SHARED to run this test";

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root ?? throw new InvalidOperationException(SkipReason), .. parts]);

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("LOOKOUT_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(System.IO.Path.Combine(env, "models")))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "models")) && Directory.Exists(System.IO.Path.Combine(candidate, "media")))
            {
                return candidate;
            }
        }

        return null;
    }
}
