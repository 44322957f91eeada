using System.Diagnostics;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Lookout.Overlay.Sinks;

/// <summary>
/// Writes annotated frames through an <c>ffmpeg</c> child process fed raw BGR frames on its standard input:
/// H.264 (libx264, yuv420p, so browsers and phones play it; the bundled OpenCV has no H.264 encoder), or
/// MPEG-4 Part 2 (<c>mp4v</c>, ffmpeg's own encoder at quantizer 3, about the size OpenCV writes, in half the
/// CPU time and off the calling process's cores).
/// </summary>
/// <remarks>
/// ffmpeg starts on the first frame, whose size fixes the video's. The file is written under a
/// temporary name and renamed when <see cref="Complete"/> has closed ffmpeg's input and ffmpeg has
/// finished the file; disposing without completing kills ffmpeg and leaves nothing. Frames are copied
/// through one reused buffer. Does not take ownership of frames.
/// </remarks>
public sealed class FfmpegVideoSink : IVideoSink
{
    private readonly PartialFile _file;
    private readonly double _fps;
    private readonly string _ffmpeg;
    private readonly string[] _codecArgs;
    private Process? _process;
    private Stream? _input;
    private byte[] _buffer = [];
    private int _width;
    private int _height;
    private readonly Queue<string> _log = new();
    private bool _done;

    /// <param name="codec"><c>h264</c> or <c>mp4v</c>.</param>
    /// <exception cref="OutputException">The path is not writable, or the codec is neither.</exception>
    public FfmpegVideoSink(string path, double fps, string codec = VideoSinks.H264, string ffmpeg = "ffmpeg")
    {
        _codecArgs = codec.ToLowerInvariant() switch
        {
            VideoSinks.H264 => ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"],
            VideoSinks.Mp4v => ["-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p"],
            _ => throw new OutputException($"ffmpeg recording supports h264 and mp4v, not '{codec}'."),
        };
        Codec = codec.ToLowerInvariant();
        _file = PartialFile.Create(path);
        _fps = fps > 0 ? fps : 25;
        _ffmpeg = ffmpeg;
    }

    public string Path => _file.FinalPath;

    /// <summary><c>h264</c> or <c>mp4v</c>.</summary>
    public string Codec { get; }

    public long FramesWritten { get; private set; }

    public void Write(DetectedFrame frame)
    {
        var image = frame.Frame.Image;
        if (_process is null)
        {
            Start(image.Cols, image.Rows);
        }
        else if (image.Cols != _width || image.Rows != _height)
        {
            throw new OutputException($"Recording '{Path}': the frame size changed from {_width}x{_height} to {image.Cols}x{image.Rows}; start a new recording.");
        }

        var length = _width * _height * 3;
        if (image.IsContinuous())
        {
            Marshal.Copy(image.Data, _buffer, 0, length);
        }
        else
        {
            for (var y = 0; y < _height; y++)
            {
                Marshal.Copy(image.Ptr(y), _buffer, y * _width * 3, _width * 3);
            }
        }

        try
        {
            _input!.Write(_buffer, 0, length);
        }
        catch (IOException e)
        {
            throw new OutputException($"Recording '{Path}': ffmpeg stopped taking frames ({LastLog()}).", e);
        }

        FramesWritten++;
    }

    public void Complete()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        if (_process is null)
        {
            _file.Abandon();
            return;
        }

        _input!.Dispose();
        if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            _process.Kill();
            _file.Abandon();
            throw new OutputException($"Recording '{Path}': ffmpeg did not finish the file within 2 minutes.");
        }

        _process.WaitForExit();
        if (_process.ExitCode != 0)
        {
            _file.Abandon();
            throw new OutputException($"Recording '{Path}': ffmpeg failed (exit {_process.ExitCode}): {LastLog()}");
        }

        _file.Commit();
    }

    public void Dispose()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
            _process = null;
        }

        if (!_done)
        {
            _done = true;
            _file.Abandon();
        }
    }

    private void Start(int width, int height)
    {
        _width = width;
        _height = height;
        _buffer = new byte[width * height * 3];
        var executable = VideoSinks.Locate(_ffmpeg)
            ?? throw new OutputException($"Recording '{Path}' through ffmpeg needs ffmpeg, which was not found on the PATH. Install it (apt-get install ffmpeg), or use --codec mp4v --encoder opencv.");

        // ffmpeg runs in a session of its own: Ctrl+C in a terminal signals the whole foreground process group, and
        // an ffmpeg that got it would stop taking frames while lookout is still draining the last ones into it.
        // lookout ends it by closing its input instead.
        var setsid = OperatingSystem.IsLinux() ? VideoSinks.Locate("setsid") : null;
        var info = new ProcessStartInfo(setsid ?? executable)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            info.ArgumentList.Add(executable);
        }

        string[] input =
        [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{width}x{height}", "-r", _fps.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), "-i", "pipe:0", "-an",
        ];
        string[] output = _file.TempPath.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) || _file.TempPath.EndsWith(".mov", StringComparison.OrdinalIgnoreCase)
            ? ["-movflags", "+faststart", _file.TempPath]
            : [_file.TempPath];
        foreach (var arg in input.Concat(_codecArgs).Concat(output))
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(info) ?? throw new OutputException("ffmpeg did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OutputException($"Recording '{Path}' through ffmpeg: '{info.FileName}' did not start ({e.Message}). Install ffmpeg (apt-get install ffmpeg), or use --codec mp4v --encoder opencv.", e);
        }

        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_log)
            {
                _log.Enqueue(e.Data);
                while (_log.Count > 5)
                {
                    _log.Dequeue();
                }
            }
        };
        _process.BeginErrorReadLine();
        _input = _process.StandardInput.BaseStream;
    }

    private string LastLog()
    {
        lock (_log)
        {
            return _log.Count == 0 ? "no message" : string.Join(" | ", _log);
        }
    }
}
