using System.Globalization;

namespace Lookout.Overlay.Sinks;

/// <summary>
/// A recording that rolls over to a new file every <see cref="Segment"/>, for runs that last days:
/// <c>name-yyyyMMdd-HHmmss.ext</c>, stamped with the local time of the segment's first frame.
/// </summary>
/// <remarks>
/// Each segment is a sink from <see cref="VideoSinks.Create"/>: written under a temporary name and renamed, playable,
/// when the next one starts or the run completes (Ctrl+C included). Does not take ownership of frames.
/// </remarks>
public sealed class SegmentedVideoSink : IFrameSink
{
    private readonly string _directory;
    private readonly string _stem;
    private readonly string _extension;
    private readonly double _fps;
    private readonly string _codec;
    private readonly string _encoder;
    private readonly Func<DateTimeOffset> _clock;
    private readonly List<string> _completed = [];
    private IVideoSink? _current;
    private DateTimeOffset _segmentStart;

    /// <param name="path">The recording's name; each segment's name adds its start time before the extension.</param>
    /// <param name="clock">The wall clock; tests replace it.</param>
    /// <exception cref="OutputException">The folder cannot be written or the segment length is not positive.</exception>
    public SegmentedVideoSink(string path, double fps, string codec, TimeSpan segment, string encoder = VideoSinks.Auto, Func<DateTimeOffset>? clock = null)
    {
        if (segment <= TimeSpan.Zero)
        {
            throw new OutputException($"The recording segment length must be positive (got {segment}).");
        }

        var full = System.IO.Path.GetFullPath(path);
        _directory = System.IO.Path.GetDirectoryName(full) ?? ".";
        _stem = System.IO.Path.GetFileNameWithoutExtension(full);
        _extension = System.IO.Path.GetExtension(full);
        _fps = fps;
        _codec = codec;
        _encoder = encoder;
        _clock = clock ?? (() => DateTimeOffset.Now);
        Segment = segment;
        if (!Directory.Exists(_directory))
        {
            throw new OutputException($"Recording folder '{_directory}' does not exist. Create it or pass another --output path.");
        }
    }

    public TimeSpan Segment { get; }

    /// <summary>Segments finished and renamed so far, oldest first.</summary>
    public IReadOnlyList<string> Completed => _completed;

    /// <summary>The segment being written, if any.</summary>
    public string? CurrentPath => _current?.Path;

    public void Write(DetectedFrame frame)
    {
        var now = _clock();
        if (_current is not null && now - _segmentStart >= Segment)
        {
            FinishCurrent();
        }

        if (_current is null)
        {
            _segmentStart = now;
            _current = VideoSinks.Create(NextPath(now), _fps, _codec, _encoder);
        }

        _current.Write(frame);
    }

    public void Complete() => FinishCurrent();

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    private void FinishCurrent()
    {
        if (_current is null)
        {
            return;
        }

        _current.Complete();
        _completed.Add(_current.Path);
        _current.Dispose();
        _current = null;
    }

    private string NextPath(DateTimeOffset start)
    {
        var stamp = start.ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(_directory, $"{_stem}-{stamp}{_extension}");
        for (var n = 1; File.Exists(path) || _completed.Contains(path); n++)
        {
            path = System.IO.Path.Combine(_directory, $"{_stem}-{stamp}-{n}{_extension}");
        }

        return path;
    }
}
