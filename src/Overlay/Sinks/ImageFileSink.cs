using OpenCvSharp;

namespace Lookout.Overlay.Sinks;

/// <summary>Writes each annotated frame as an image: into a folder under the source file name, or to one file.</summary>
/// <remarks>Each image is encoded to a temporary name and renamed, so no truncated image is ever left.</remarks>
public sealed class ImageFileSink : IFrameSink
{
    private readonly string? _folder;
    private readonly string? _singleFile;

    private ImageFileSink(string? folder, string? singleFile)
    {
        _folder = folder;
        _singleFile = singleFile;
    }

    /// <summary>The folder or file the images go to.</summary>
    public string Target => _singleFile ?? _folder!;

    public long FramesWritten { get; private set; }

    /// <summary>Annotated images go into <paramref name="folder"/>, named after their source files.</summary>
    /// <exception cref="OutputException">The folder cannot be created.</exception>
    public static ImageFileSink ToFolder(string folder)
    {
        try
        {
            if (File.Exists(folder))
            {
                throw new OutputException($"Output folder '{folder}' is a file; give a folder for annotated images.");
            }

            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"Cannot create output folder '{folder}': {e.Message} Choose a writable path.", e);
        }

        return new ImageFileSink(folder, null);
    }

    /// <summary>The one annotated image goes to <paramref name="path"/>.</summary>
    public static ImageFileSink ToFile(string path)
    {
        PartialFile.Create(path).Abandon();
        return new ImageFileSink(null, path);
    }

    public static bool IsImagePath(string path) => Path.GetExtension(path).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".bmp" or ".tif" or ".tiff" or ".webp";

    public void Write(DetectedFrame frame)
    {
        var target = _singleFile ?? Path.Combine(_folder!, frame.Frame.Source);
        var file = PartialFile.Create(target);
        try
        {
            if (!Cv2.ImWrite(file.TempPath, frame.Frame.Image))
            {
                throw new OutputException($"Cannot encode image '{target}'. Use a .jpg or .png name.");
            }

            file.Commit();
        }
        catch
        {
            file.Abandon();
            throw;
        }

        FramesWritten++;
    }

    public void Complete()
    {
    }

    public void Dispose()
    {
    }
}
