using OpenCvSharp;

namespace Lookout.Overlay.Sinks;

/// <summary>Writes annotated frames to a video file (MPEG-4 Part 2, <c>mp4v</c>, by default).</summary>
/// <remarks>
/// The writer opens on the first frame, whose size fixes the video's size. The file is written
/// under a temporary name and renamed on <see cref="Complete"/>, so Ctrl+C (which completes) yields
/// a playable file and a failure yields none.
/// </remarks>
public sealed class VideoFileSink : IVideoSink
{
    private readonly PartialFile _file;
    private readonly double _fps;
    private readonly FourCC _codec;
    private VideoWriter? _writer;
    private bool _done;

    /// <exception cref="OutputException">The path is not writable.</exception>
    public VideoFileSink(string path, double fps, string fourcc = "mp4v")
    {
        if (fourcc.Length != 4)
        {
            throw new OutputException($"Video codec '{fourcc}' must be a four-character code such as mp4v or MJPG.");
        }

        _file = PartialFile.Create(path);
        _fps = fps > 0 ? fps : 25;
        _codec = FourCC.FromString(fourcc);
        Codec = fourcc;
    }

    /// <summary>The four-character code written.</summary>
    public string Codec { get; }

    public string Path => _file.FinalPath;

    public long FramesWritten { get; private set; }

    public void Write(DetectedFrame frame)
    {
        var image = frame.Frame.Image;
        if (_writer is null)
        {
            _writer = new VideoWriter(_file.TempPath, _codec, _fps, new Size(image.Cols, image.Rows));
            if (!_writer.IsOpened())
            {
                throw new OutputException($"Cannot open a video writer for '{_file.FinalPath}' (codec {_codec}, {image.Cols}x{image.Rows}). Use a .mp4 or .avi path.");
            }
        }

        _writer.Write(image);
        FramesWritten++;
    }

    public void Complete()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        if (_writer is null)
        {
            _file.Abandon();
            return;
        }

        _writer.Release();
        _writer.Dispose();
        _writer = null;
        _file.Commit();
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        if (!_done)
        {
            _done = true;
            _file.Abandon();
        }
    }
}
