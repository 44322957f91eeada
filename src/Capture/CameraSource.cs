using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace Lookout.Capture;

/// <summary>Frames of a local camera by index (Video4Linux2 on Linux), at the size and rate it grants.</summary>
/// <remarks>
/// Live: frames are emitted as the camera delivers them and the reading thread never waits for
/// downstream (the pipeline's newest-frame gate drops stale ones). The camera's driver buffers a few
/// frames itself; reading promptly keeps them fresh. A camera that stops delivering frames (unplugged,
/// taken by another program) ends the sequence with a <see cref="SourceException"/> after
/// <see cref="StallTimeout"/>.
/// </remarks>
public sealed class CameraSource : FrameSource
{
    private readonly VideoCapture _capture;
    private readonly FramePool _pool;
    private readonly long _maxFrames;
    private readonly ILogger? _logger;
    private Mat? _first;

    private CameraSource(int index, VideoCapture capture, Mat first, long maxFrames, TimeSpan stallTimeout, ILogger? logger)
    {
        Index = index;
        _capture = capture;
        _first = first;
        _maxFrames = maxFrames;
        _logger = logger;
        StallTimeout = stallTimeout;
        _pool = new FramePool();
        var fps = capture.Fps;
        Info = new SourceInfo($"camera {index}", first.Cols, first.Rows, fps > 0 && fps < 1000 ? fps : 0, maxFrames > 0 ? maxFrames : -1, IsLive: true);
    }

    public int Index { get; }

    public TimeSpan StallTimeout { get; }

    public override SourceInfo Info { get; }

    /// <summary>Whether <paramref name="input"/> names a camera: a non-negative index such as <c>0</c>.</summary>
    public static bool IsCameraIndex(string? input, out int index) =>
        int.TryParse(input, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);

    /// <summary>Opens camera <paramref name="index"/>, asks for the size and rate given (0: the camera's default), and reads one frame.</summary>
    /// <exception cref="SourceException">No such camera, it is busy, or it delivers no frame.</exception>
    public static CameraSource Open(int index, int width = 0, int height = 0, double fps = 0, long maxFrames = 0, TimeSpan? stallTimeout = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var device = OperatingSystem.IsLinux() ? $"/dev/video{index}" : null;
        if (device is not null && !File.Exists(device))
        {
            throw new SourceException($"Camera {index} does not exist ({device} is missing). Check the index with 'ls /dev/video*' or 'v4l2-ctl --list-devices', or pass a video file or rtsp:// URL.");
        }

        var capture = new VideoCapture(index, OperatingSystem.IsLinux() ? VideoCaptureAPIs.V4L2 : VideoCaptureAPIs.ANY);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new SourceException($"Camera {index} ({device ?? "by index"}) cannot be opened: it may be in use by another program, or you may lack permission (add yourself to the 'video' group).");
        }

        if (width > 0 && height > 0)
        {
            capture.Set(VideoCaptureProperties.FrameWidth, width);
            capture.Set(VideoCaptureProperties.FrameHeight, height);
        }

        if (fps > 0)
        {
            capture.Set(VideoCaptureProperties.Fps, fps);
        }

        var first = new Mat();
        if (!capture.Read(first) || first.Empty())
        {
            first.Dispose();
            capture.Dispose();
            throw new SourceException($"Camera {index} opened but delivered no frame. Check that it is not in use, or try another index.");
        }

        var source = new CameraSource(index, capture, first, maxFrames, stallTimeout ?? TimeSpan.FromSeconds(10), logger);
        if ((width > 0 && source.Info.Width != width) || (height > 0 && source.Info.Height != height))
        {
            logger?.LogInformation("Camera {Index} granted {Width}x{Height} instead of the {RequestedWidth}x{RequestedHeight} asked for", index, source.Info.Width, source.Info.Height, width, height);
        }

        return source;
    }

    protected override void Produce(IObserver<Frame> observer, CancellationToken stop, CancellationToken abort)
    {
        var name = Info.Name;
        long index = 0;
        var clock = Stopwatch.GetTimestamp();
        var lastFrame = clock;
        while (!stop.IsCancellationRequested && !abort.IsCancellationRequested && (_maxFrames <= 0 || index < _maxFrames))
        {
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
                    if (Stopwatch.GetElapsedTime(lastFrame) > StallTimeout)
                    {
                        throw new SourceException($"Camera {Index} stopped delivering frames (none for {StallTimeout.TotalSeconds:0} s): it was unplugged or taken by another program.");
                    }

                    Thread.Sleep(10);
                    continue;
                }
            }

            lastFrame = Stopwatch.GetTimestamp();
            var frame = new Frame(mat, index, Stopwatch.GetElapsedTime(clock, lastFrame), name, _pool, Stopwatch.GetElapsedTime(start, lastFrame).TotalMilliseconds);
            index++;
            observer.OnNext(frame);
        }

        _logger?.LogDebug("{Source}: {Frames} frames", name, index);
    }

    public override void Dispose()
    {
        _first?.Dispose();
        _first = null;
        _capture.Dispose();
        _pool.Dispose();
    }
}
