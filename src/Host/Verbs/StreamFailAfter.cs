using System.Globalization;
using Lookout.Capture.Rtsp;
using Lookout.Host.Cli;

namespace Lookout.Host.Verbs;

/// <summary><c>--fail-after</c> / <c>Source:FailAfter</c>: a number of attempts (<c>5</c>) or a duration with a unit (<c>90s</c>, <c>10m</c>, <c>hh:mm:ss</c>).</summary>
public static class StreamFailAfter
{
    /// <summary>Parses <paramref name="text"/>; empty means never give up.</summary>
    public static bool TryParse(string? text, out int attempts, out TimeSpan duration)
    {
        attempts = 0;
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out attempts))
        {
            return attempts > 0;
        }

        // A bare number is attempts, so a duration needs its unit (or hh:mm:ss).
        return !char.IsAsciiDigit(text[^1]) || text.Contains(':', StringComparison.Ordinal)
            ? DurationText.TryParse(text, out duration) && duration > TimeSpan.Zero
            : false;
    }

    /// <summary>The reconnect policy for the configured limit.</summary>
    /// <exception cref="Capture.SourceException">The text is neither a number of attempts nor a duration.</exception>
    public static ReconnectPolicy Policy(string? text)
    {
        if (!TryParse(text, out var attempts, out var duration))
        {
            throw new Capture.SourceException($"Source:FailAfter (--fail-after) '{text}' is neither a number of attempts (5) nor a duration (90s, 10m, hh:mm:ss).");
        }

        return ReconnectPolicy.Default with { FailAfterAttempts = attempts, FailAfterDuration = duration };
    }
}
