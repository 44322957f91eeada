using System.Globalization;

namespace Lookout.Host.Cli;

/// <summary>Durations as people type them: <c>90</c> or <c>90s</c>, <c>1.5m</c>, <c>2h</c>, <c>1d</c>, or <c>hh:mm:ss</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        var seconds = unit switch
        {
            's' => 1.0,
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86400.0,
            _ => 0.0,
        };
        var number = seconds > 0 ? text[..^1] : text;
        if (seconds == 0)
        {
            seconds = 1;
        }

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || double.IsInfinity(amount * seconds))
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * seconds);
        return true;
    }
}
