namespace Lookout.Host;

/// <summary>
/// Resolves relative paths from configuration: against the working directory first, then against
/// the folders above the executable, so the bundled defaults (<c>models/</c>, <c>videos/</c>) are
/// found whether <c>lookout</c> runs from the repository root or from its build folder.
/// </summary>
public static class PathResolver
{
    /// <summary>An existing path for <paramref name="path"/>, or the path as given when none exists.</summary>
    public static string Resolve(string path)
    {
        if (Path.IsPathRooted(path) || Exists(path))
        {
            return path;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, path);
            if (Exists(candidate))
            {
                return candidate;
            }
        }

        return path;
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);
}
