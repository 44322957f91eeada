using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace Lookout.Capture;

/// <summary>Frames of a video file, decoded in-process by OpenCV (FFmpeg backend).</summary>
/// <remarks>
/// Lossless and ordered: every decodable frame is emitted, and the reading thread blocks while
/// downstream is full. A frame that fails to decode in the middle of the file is counted in
/// <see cref="CorruptFrames"/> and skipped; the end of the file ends the sequence, or, when looping,
/// starts it again (frame indices and timestamps keep growing). In real-time mode each frame is
/// emitted no earlier than its timestamp after the first, so the file behaves like a live camera
/// at its own frame rate (<see cref="SourceInfo.IsLive"/> is then true).
/// </remarks>
public sealed class VideoFileSource : FrameSource
{
    private const int MaxConsecutiveFailures = 8;
    private readonly VideoCapture _capture;
    private readonly FramePool _pool;
    private readonly ILogger? _logger;
    private readonly long _maxFrames;
    private readonly bool _realtime;
    private readonly bool _loop;
    private Mat? _first;

    private VideoFileSource(string path, VideoCapture capture, Mat first, long maxFrames, ILogger? logger, bool realtime, bool loop)
    {
        Path = path;
        _capture = capture;
        _first = first;
        _maxFrames = maxFrames;
        _logger = logger;
        _realtime = realtime;
        _loop = loop;
        _pool = new FramePool();
        var fps = capture.Fps;
        var count = (long)capture.FrameCount;
        if (count <= 0 || loop)
        {
            count = -1;
        }

        if (maxFrames > 0)
        {
            count = count < 0 ? maxFrames : Math.Min(count, maxFrames);
        }

        Info = new SourceInfo(System.IO.Path.GetFileName(path), first.Cols, first.Rows, fps > 0 && fps < 1000 ? fps : 0, count, IsLive: realtime);
    }

    public string Path { get; }

    public override SourceInfo Info { get; }

    /// <summary>Frames that failed to decode and were skipped.</summary>
    public long CorruptFrames { get; private set; }

    /// <summary>Times the file was started again from its first frame (<c>loop</c>).</summary>
    public long Loops { get; private set; }

    /// <summary>Opens <paramref name="path"/> and decodes its first frame to prove it is a video.</summary>
    /// <param name="maxFrames">Stop after this many frames; 0 or less reads to the end.</param>
    /// <param name="realtime">Emit frames at the file's frame rate instead of as fast as downstream takes them.</param>
    /// <param name="loop">Start again from the first frame at the end of the file, until stopped.</param>
    /// <exception cref="SourceException">Missing file, not a video, or no frames.</exception>
    public static VideoFileSource Open(string path, long maxFrames = 0, ILogger? logger = null, bool realtime = false, bool loop = false)
    {
        if (Directory.Exists(path))
        {
            throw new SourceException($"Input '{path}' is a folder; use it as an image folder or pass a video file.");
        }

        if (!File.Exists(path))
        {
            throw new SourceException($"Input '{path}' does not exist. Pass an existing video file, image or image folder.");
        }

        var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new SourceException($"Input '{path}' is not a video this build can decode (OpenCV/FFmpeg could not open it). Check the file, or convert it to MP4 (H.264/MPEG-4) or AVI.");
        }

        var first = new Mat();
        if (!capture.Read(first) || first.Empty())
        {
            first.Dispose();
            capture.Dispose();
            throw new SourceException($"Input '{path}' contains no decodable frames. Check that the file is complete.");
        }

        return new VideoFileSource(path, capture, first, maxFrames, logger, realtime, loop);
    }

    protected override void Produce(IObserver<Frame> observer, CancellationToken stop, CancellationToken abort)
    {
        var name = Info.Name;
        var fps = Info.Fps;
        long index = 0;
        var failures = 0;
        var restartedAt = -1L;
        var passStart = 0L;
        var clock = Stopwatch.GetTimestamp();
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop, abort);
        while (!stop.IsCancellationRequested && !abort.IsCancellationRequested && (_maxFrames <= 0 || index < _maxFrames))
        {
            if (_realtime && fps > 0)
            {
                var wait = TimeSpan.FromSeconds(index / fps) - Stopwatch.GetElapsedTime(clock);
                if (wait > TimeSpan.Zero && wake.Token.WaitHandle.WaitOne(wait))
                {
                    break;
                }
            }

            var start = Stopwatch.GetTimestamp();
            Mat mat;
            if (_first is not null)
            {
                mat = _first;
                _first = null;
            }
            else
            {
                mat = _pool.Rent();
                if (!_capture.Read(mat) || mat.Empty())
                {
                    _pool.Return(mat);
                    if (_loop && restartedAt != index && !IsBeforeEnd(index - passStart))
                    {
                        // The end of the file: start again, once per end (a file that yields nothing after a restart ends).
                        restartedAt = index;
                        passStart = index;
                        _capture.Set(VideoCaptureProperties.PosFrames, 0);
                        Loops++;
                        continue;
                    }

                    if (!IsBeforeEnd(index - passStart) || ++failures > MaxConsecutiveFailures)
                    {
                        break;
                    }

                    CorruptFrames++;
                    continue;
                }
            }

            failures = 0;
            var timestamp = fps > 0 ? TimeSpan.FromMilliseconds(index * 1000.0 / fps) : TimeSpan.FromMilliseconds(_capture.PosMsec);
            var frame = new Frame(mat, index, timestamp, name, _pool, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            index++;
            observer.OnNext(frame);
        }

        if (CorruptFrames > 0)
        {
            _logger?.LogWarning("{Source}: skipped {Corrupt} frames that failed to decode", name, CorruptFrames);
        }
    }

    /// <summary>Whether a read failure at <paramref name="indexInPass"/> (frames since the file last started) is before its last frame.</summary>
    private bool IsBeforeEnd(long indexInPass)
    {
        var total = (long)_capture.FrameCount;
        return total > 0 && indexInPass + CorruptFrames < total - 1;
    }

    public override void Dispose()
    {
        _first?.Dispose();
        _first = null;
        _capture.Dispose();
        _pool.Dispose();
    }
}
