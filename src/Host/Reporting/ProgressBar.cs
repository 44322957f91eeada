using System.Diagnostics;

namespace Lookout.Host.Reporting;

/// <summary>Frames done, rate and ETA on standard error: a redrawn bar on a terminal, a periodic line otherwise.</summary>
public sealed class ProgressBar
{
    private readonly TextWriter _out;
    private readonly long _total;
    private readonly bool _interactive;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly TimeSpan _interval;
    private long _lastDraw;

    public ProgressBar(TextWriter output, long total, bool interactive)
    {
        _out = output;
        _total = total;
        _interactive = interactive;
        _interval = interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);
        _lastDraw = _start;
    }

    /// <summary>Redraws at most a few times a second, so calling it per frame is cheap.</summary>
    public void Report(long done)
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_lastDraw, now) < _interval)
        {
            return;
        }

        _lastDraw = now;
        Draw(done, now);
    }

    public void Finish(long done)
    {
        Draw(done, Stopwatch.GetTimestamp());
        if (_interactive)
        {
            _out.WriteLine();
        }
    }

    private void Draw(long done, long now)
    {
        var elapsed = Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
        var fps = elapsed > 0 ? done / elapsed : 0;
        string line;
        if (_total > 0)
        {
            var fraction = Math.Clamp((double)done / _total, 0, 1);
            const int width = 30;
            var filled = (int)Math.Round(fraction * width);
            var eta = fps > 0 ? TimeSpan.FromSeconds((_total - done) / fps) : TimeSpan.Zero;
            line = $"[{new string('#', filled)}{new string('.', width - filled)}] {done}/{_total} frames {fraction * 100,5:0.0}%  {fps,6:0.0} fps  ETA {eta:hh\\:mm\\:ss}";
        }
        else
        {
            line = $"{done} frames  {fps,6:0.0} fps  {TimeSpan.FromSeconds(elapsed):hh\\:mm\\:ss}";
        }

        if (_interactive)
        {
            _out.Write('\r');
            _out.Write(line);
        }
        else
        {
            _out.WriteLine(line);
        }

        _out.Flush();
    }
}
