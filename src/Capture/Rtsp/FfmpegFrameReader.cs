using System.ComponentModel;
using System.Diagnostics;
using OpenCvSharp;

namespace Lookout.Capture.Rtsp;

/// <summary>
/// One connection to a stream: an <c>ffmpeg</c> child process that decodes it and writes raw
/// <c>bgr24</c> frames of a fixed size to its standard output, read straight into Mats.
/// </summary>
/// <remarks>
/// The process is always ended: on dispose, on cancellation, and by a watchdog when no frame
/// completes within the stall timeout (a silent server never closes the connection by itself).
/// Ending it closes the pipe, so a blocked read returns and the reader sees the end. Reading a frame
/// allocates nothing: the pipe is read into the Mat's own memory.
/// </remarks>
internal sealed class FfmpegFrameReader : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly Timer _watchdog;
    private readonly CancellationTokenRegistration _cancelled;
    private readonly TimeSpan _stallTimeout;
    private readonly int _width;
    private readonly int _height;
    private long _lastProgress;
    private string? _lastError;
    private int _stalled;

    private FfmpegFrameReader(Process process, int width, int height, TimeSpan stallTimeout, CancellationToken cancel)
    {
        _process = process;
        _width = width;
        _height = height;
        _stallTimeout = stallTimeout;
        _stdout = process.StandardOutput.BaseStream;
        _lastProgress = Stopwatch.GetTimestamp();
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                Volatile.Write(ref _lastError, UrlMasking.MaskCredentials(e.Data.Trim()));
            }
        };
        process.BeginErrorReadLine();
        var tick = stallTimeout / 4 < TimeSpan.FromSeconds(1) ? stallTimeout / 4 : TimeSpan.FromSeconds(1);
        _watchdog = new Timer(static s => ((FfmpegFrameReader)s!).CheckStall(), this, tick, tick);
        _cancelled = cancel.Register(static s => ((FfmpegFrameReader)s!).Kill(), this);
    }

    /// <summary>Why the stream ended, once <see cref="Read"/> has returned false; masked.</summary>
    public string EndReason { get; private set; } = "the stream ended";

    /// <summary>Starts ffmpeg on <paramref name="url"/>, scaling frames to <paramref name="width"/>×<paramref name="height"/>.</summary>
    /// <exception cref="SourceException">ffmpeg cannot be started (not installed).</exception>
    public static FfmpegFrameReader Start(string ffmpeg, string url, int width, int height, TimeSpan stallTimeout, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (ReadOnlySpan<string>)[
            "-nostdin", "-hide_banner", "-loglevel", "error",
            "-rtsp_transport", "tcp", "-i", url,
            "-an", "-sn", "-dn",
            "-s", $"{width}x{height}", "-pix_fmt", "bgr24", "-f", "rawvideo", "pipe:1",
        ])
        {
            info.ArgumentList.Add(arg);
        }

        return new FfmpegFrameReader(StartProcess(info, "ffmpeg", url), width, height, stallTimeout, cancel);
    }

    /// <summary>Starts a child process, turning a missing executable into an error that says what to install.</summary>
    internal static Process StartProcess(ProcessStartInfo info, string tool, string url)
    {
        try
        {
            return Process.Start(info) ?? throw new SourceException($"{tool} did not start for {UrlMasking.MaskCredentials(url)}.");
        }
        catch (Win32Exception e)
        {
            throw new SourceException($"Cannot run '{info.FileName}' to read {UrlMasking.MaskCredentials(url)}: {e.Message}. RTSP needs {tool} (Debian package 'ffmpeg'; eng/install-deps.sh installs it).", e);
        }
    }

    /// <summary>Reads the next frame into <paramref name="mat"/> (made <c>CV_8UC3</c> of the stream size); false at the end of the stream.</summary>
    public unsafe bool Read(Mat mat)
    {
        if (mat.Rows != _height || mat.Cols != _width || mat.Type() != MatType.CV_8UC3)
        {
            mat.Create(_height, _width, MatType.CV_8UC3);
        }

        var buffer = new Span<byte>((void*)mat.Data, _width * _height * 3);
        var filled = 0;
        try
        {
            while (filled < buffer.Length)
            {
                var n = _stdout.Read(buffer[filled..]);
                if (n == 0)
                {
                    End();
                    return false;
                }

                filled += n;
            }
        }
        catch (IOException e)
        {
            Kill();
            EndReason = UrlMasking.MaskCredentials(e.Message);
            return false;
        }

        Volatile.Write(ref _lastProgress, Stopwatch.GetTimestamp());
        return true;
    }

    public void Dispose()
    {
        _cancelled.Dispose();
        _watchdog.Dispose();
        Kill();
        _process.WaitForExit();
        _process.Dispose();
    }

    private void End()
    {
        // The pipe closed: ffmpeg is exiting (or was ended). Its exit code and last error line say why.
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            Kill();
        }

        _process.WaitForExit();
        if (Volatile.Read(ref _stalled) == 1)
        {
            EndReason = $"no frame for {_stallTimeout.TotalSeconds:0.#} s";
            return;
        }

        var error = Volatile.Read(ref _lastError);
        EndReason = _process.ExitCode == 0
            ? "the stream ended"
            : $"ffmpeg exited with code {_process.ExitCode}{(error is null ? string.Empty : ": " + error)}";
    }

    private void CheckStall()
    {
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastProgress)) > _stallTimeout && Interlocked.Exchange(ref _stalled, 1) == 0)
        {
            Kill();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }
}
