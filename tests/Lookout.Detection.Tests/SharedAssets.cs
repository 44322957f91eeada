namespace Lookout.Detection.Tests;

/// <summary>
/// Locates the shared models and media: <c>LOOKOUT_SHARED</c>, else the first <c>shared</c> folder with a
/// <c>models</c> subfolder found walking up from the test assembly. Tests skip where neither exists.
/// </summary>
internal static class SharedAssets
{
    private static readonly Lazy<string?> LazyRoot = new(Find);

    public static string? Root => LazyRoot.Value;

    /// <summary>The shared folder, or skips the calling test with the reason.</summary>
    public static string RequireRoot()
    {
        Skip.If(
            Root is null,
            "Shared models and media not found: set LOOKOUT_SHARED to the shared folder, or put it at ../shared beside the repository (a folder holding models/ and media/).");
        return Root!;
    }

    public static string Model(string fileName) => Path.Combine(RequireRoot(), "models", fileName);

    public static string Media(params string[] parts) => Path.Combine([RequireRoot(), "media", .. parts]);

    /// <summary>A card fixture from this project's Cards folder (copied to the output directory).</summary>
    public static string Card(string fileName) => Path.Combine(AppContext.BaseDirectory, "Cards", fileName);

    private static string? Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("LOOKOUT_SHARED");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Directory.Exists(Path.Combine(fromEnvironment, "models")) ? Path.GetFullPath(fromEnvironment) : null;
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "models")))
            {
                return candidate;
            }
        }

        return null;
    }
}
