using System.Diagnostics;
using System.Globalization;

namespace Lookout.Overlay;

/// <summary>
/// The HUD line (display frame rate, inference time, latency, for live sources that drop frames the
/// capture rate and the total dropped, and where it can be changed the score threshold), refreshed twice
/// a second so that formatting costs nothing per frame and the numbers stay readable.
/// </summary>
/// <remarks>Not thread-safe; owned by the drawing thread.</remarks>
public sealed class HudText
{
    private static readonly double s_refresh = Stopwatch.Frequency / 2.0;
    private long _windowStart = Stopwatch.GetTimestamp();
    private int _framesInWindow;
    private double _inferenceSum;
    private double _latencySum;
    private long _droppedAtWindowStart;
    private string _text = "fps --";

    /// <summary>Counts one displayed frame and returns the current HUD line.</summary>
    /// <param name="dropped">Frames dropped so far in the run (a running total).</param>
    /// <param name="scoreThreshold">The detector's score threshold, shown when given.</param>
    public string Update(double inferenceMs, double latencyMs, long dropped, float? scoreThreshold = null)
    {
        _framesInWindow++;
        _inferenceSum += inferenceMs;
        _latencySum += latencyMs;
        var now = Stopwatch.GetTimestamp();
        var span = now - _windowStart;
        if (span >= s_refresh)
        {
            var seconds = (double)span / Stopwatch.Frequency;
            var fps = _framesInWindow / seconds;
            var inference = _inferenceSum / _framesInWindow;
            var latency = _latencySum / _framesInWindow;
            var captured = (_framesInWindow + dropped - _droppedAtWindowStart) / seconds;
            _text = dropped > 0
                ? string.Create(CultureInfo.InvariantCulture, $"fps {fps:0.0}  capture {captured:0.0}  infer {inference:0.0} ms  latency {latency:0} ms  dropped {dropped}")
                : string.Create(CultureInfo.InvariantCulture, $"fps {fps:0.0}  infer {inference:0.0} ms  latency {latency:0} ms");
            if (scoreThreshold is { } score)
            {
                _text = string.Create(CultureInfo.InvariantCulture, $"{_text}  score > {score:0.00}");
            }
            _droppedAtWindowStart = dropped;
            _windowStart = now;
            _framesInWindow = 0;
            _inferenceSum = 0;
            _latencySum = 0;
        }

        return _text;
    }
}
