namespace Lookout.Benchmarks;

/// <summary>Finds the repository's bundled models and the shared third-party assets from wherever the benchmark runs.</summary>
/// <remarks>
/// BenchmarkDotNet runs each benchmark in a child process built under this project's <c>bin/</c>, so paths are found by
/// walking up to <c>Lookout.slnx</c> rather than relative to the working directory.
/// </remarks>
internal static class RepoFiles
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary><c>../shared</c> beside the repository, or <c>LOOKOUT_SHARED</c>; null when absent.</summary>
    public static string? Shared
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("LOOKOUT_SHARED");
            if (!string.IsNullOrEmpty(env) && Directory.Exists(System.IO.Path.Combine(env, "models")))
            {
                return env;
            }

            var beside = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, "..", "shared"));
            return Directory.Exists(System.IO.Path.Combine(beside, "models")) ? beside : null;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Lookout.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Lookout.slnx not found above {AppContext.BaseDirectory}; run the benchmarks from inside the repository.");
    }
}
