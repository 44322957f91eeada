using Microsoft.Extensions.Logging;

namespace Lookout.Detection.Datasets;

/// <summary>Collects a reader's fix-ups as text and, when given a logger, logs each one as a warning.</summary>
internal sealed class DatasetWarnings(ILogger? logger)
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages => _messages;

    public void Add(string file, string message)
    {
        var text = $"{file}: {message}";
        _messages.Add(text);
        logger?.LogWarning("{DatasetWarning}", text);
    }

    /// <summary>
    /// Clips a box to the image. Returns null, with a warning, when nothing of it is left inside; a box
    /// that had to be clipped is kept with a warning.
    /// </summary>
    public BoxF? Clip(BoxF box, int width, int height, string file, string where)
    {
        var clipped = box.Clip(width, height);
        if (clipped.X2 - clipped.X1 < 1f || clipped.Y2 - clipped.Y1 < 1f)
        {
            Add(file, $"{where}: box [{box.X1}, {box.Y1}, {box.X2}, {box.Y2}] lies outside the {width}x{height} image; dropped.");
            return null;
        }

        // Half a pixel of slack: normalized YOLO coordinates rarely land exactly on the border.
        if (Math.Abs(clipped.X1 - box.X1) > 0.5f || Math.Abs(clipped.Y1 - box.Y1) > 0.5f ||
            Math.Abs(clipped.X2 - box.X2) > 0.5f || Math.Abs(clipped.Y2 - box.Y2) > 0.5f)
        {
            Add(file, $"{where}: box [{box.X1}, {box.Y1}, {box.X2}, {box.Y2}] reaches outside the {width}x{height} image; clipped.");
        }

        return clipped;
    }
}
