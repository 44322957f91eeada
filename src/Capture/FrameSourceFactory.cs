using Microsoft.Extensions.Logging;

namespace Lookout.Capture;

/// <summary>Chooses the source for an input path: a folder, an image file, or a video file.</summary>
public static class FrameSourceFactory
{
    /// <exception cref="SourceException">The input is missing or unreadable.</exception>
    public static IFrameSource OpenFile(string input, long maxFrames = 0, ILogger? logger = null)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new SourceException("No input given. Pass a video file, an image, or a folder of images.");
        }

        if (Directory.Exists(input))
        {
            return ImageFolderSource.OpenFolder(input, maxFrames, logger);
        }

        if (File.Exists(input) && ImageFolderSource.IsImageFile(input))
        {
            return ImageFolderSource.OpenImage(input, logger);
        }

        return VideoFileSource.Open(input, maxFrames, logger);
    }
}
