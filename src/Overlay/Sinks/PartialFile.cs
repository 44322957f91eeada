namespace Lookout.Overlay.Sinks;

/// <summary>
/// An output written under a temporary name beside its final path and renamed only when complete,
/// so that an interrupted or failed run never leaves a truncated file under the final name.
/// </summary>
public sealed class PartialFile
{
    private PartialFile(string finalPath, string tempPath)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
    }

    public string FinalPath { get; }

    /// <summary>Hidden temporary path in the same folder, keeping the extension (codecs choose by it).</summary>
    public string TempPath { get; }

    /// <summary>Creates the folder if needed and proves it is writable.</summary>
    /// <exception cref="OutputException">The folder cannot be created or written.</exception>
    public static PartialFile Create(string finalPath)
    {
        var full = Path.GetFullPath(finalPath);
        if (Directory.Exists(full))
        {
            throw new OutputException($"Output '{finalPath}' is a folder; give a file path.");
        }

        var dir = Path.GetDirectoryName(full) ?? ".";
        var temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.partial-{Environment.ProcessId}{Path.GetExtension(full)}");
        try
        {
            Directory.CreateDirectory(dir);
            using (File.Create(temp))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"Cannot write output '{finalPath}': {e.Message} Choose a writable path.", e);
        }

        return new PartialFile(full, temp);
    }

    /// <summary>Moves the finished temporary file to the final name, replacing what was there.</summary>
    public void Commit()
    {
        try
        {
            File.Move(TempPath, FinalPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"Cannot finalize output '{FinalPath}': {e.Message}", e);
        }
    }

    /// <summary>Deletes the temporary file, if any.</summary>
    public void Abandon()
    {
        try
        {
            File.Delete(TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the final name was never written, which is what matters.
            _ = e;
        }
    }
}
