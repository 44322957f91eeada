using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace Lookout.Capture;

/// <summary>Still images as frames: one image file, or every image in a folder by sorted file name.</summary>
/// <remarks>
/// Files that are not images (by extension or because they fail to decode) are skipped with a
/// warning; they never stop the run. Each frame owns a freshly decoded Mat.
/// </remarks>
public sealed class ImageFolderSource : FrameSource
{
    private static readonly HashSet<string> s_imageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm", ".jp2",
    };

    private readonly string[] _files;
    private readonly ILogger? _logger;

    private ImageFolderSource(string name, string[] files, int width, int height, ILogger? logger)
    {
        _files = files;
        _logger = logger;
        Info = new SourceInfo(name, width, height, 0, files.Length, IsLive: false);
    }

    public override SourceInfo Info { get; }

    /// <summary>The image files, in the order they are emitted.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Frames skipped because the file could not be decoded.</summary>
    public int SkippedFiles { get; private set; }

    public static bool IsImageFile(string path) => s_imageExtensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>A folder of images, sorted by file name (ordinal).</summary>
    /// <param name="maxFrames">Use only the first this many images; 0 or less for all.</param>
    /// <exception cref="SourceException">Missing folder, or no image in it.</exception>
    public static ImageFolderSource OpenFolder(string folder, long maxFrames = 0, ILogger? logger = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new SourceException($"Input folder '{folder}' does not exist.");
        }

        var all = Directory.GetFiles(folder);
        Array.Sort(all, StringComparer.Ordinal);
        var images = new List<string>(all.Length);
        foreach (var file in all)
        {
            if (IsImageFile(file))
            {
                images.Add(file);
            }
            else
            {
                logger?.LogWarning("Skipping '{File}': not an image file", file);
            }
        }

        if (images.Count == 0)
        {
            throw new SourceException($"Input folder '{folder}' contains no image files (.jpg, .png, .bmp, .tif, .webp).");
        }

        if (maxFrames > 0 && images.Count > maxFrames)
        {
            images.RemoveRange((int)maxFrames, images.Count - (int)maxFrames);
        }

        return new ImageFolderSource(System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(folder)), images.ToArray(), 0, 0, logger);
    }

    /// <summary>A single image file.</summary>
    /// <exception cref="SourceException">Missing file, or not a decodable image.</exception>
    public static ImageFolderSource OpenImage(string path, ILogger? logger = null)
    {
        if (!File.Exists(path))
        {
            throw new SourceException($"Input '{path}' does not exist. Pass an existing video file, image or image folder.");
        }

        using var probe = Cv2.ImRead(path, ImreadModes.Color);
        if (probe.Empty())
        {
            throw new SourceException($"Input '{path}' is not an image OpenCV can decode. Check the file.");
        }

        return new ImageFolderSource(System.IO.Path.GetFileName(path), [path], probe.Cols, probe.Rows, logger);
    }

    protected override void Produce(IObserver<Frame> observer, CancellationToken stop, CancellationToken abort)
    {
        long index = 0;
        foreach (var file in _files)
        {
            if (stop.IsCancellationRequested || abort.IsCancellationRequested)
            {
                break;
            }

            var start = Stopwatch.GetTimestamp();
            var mat = Cv2.ImRead(file, ImreadModes.Color);
            if (mat.Empty())
            {
                mat.Dispose();
                SkippedFiles++;
                _logger?.LogWarning("Skipping '{File}': not an image OpenCV can decode", file);
                continue;
            }

            var frame = new Frame(mat, index, TimeSpan.Zero, System.IO.Path.GetFileName(file), decodeMs: Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            index++;
            observer.OnNext(frame);
        }
    }

    public override void Dispose()
    {
    }
}
