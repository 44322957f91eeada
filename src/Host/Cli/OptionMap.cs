using System.CommandLine;
using System.Globalization;

namespace Lookout.Host.Cli;

/// <summary>
/// Command-line options that override configuration keys: an option given on the command line
/// becomes the last configuration layer, so validation and defaults live in one place.
/// </summary>
public sealed class OptionMap
{
    private readonly List<(Option Option, string Key, Func<ParseResult, string?> Value)> _entries = [];

    public Option<T> Add<T>(Option<T> option, string key)
    {
        _entries.Add((option, key, r => Format(r.GetValue(option))));
        return option;
    }

    /// <summary>An option whose value is written to configuration by <paramref name="format"/>.</summary>
    public Option<T> Add<T>(Option<T> option, string key, Func<T, string> format)
    {
        _entries.Add((option, key, r => r.GetValue(option) is { } v ? format(v) : null));
        return option;
    }

    /// <summary>A flag that sets <paramref name="key"/> to <paramref name="value"/> when present.</summary>
    public Option<bool> AddFlag(Option<bool> option, string key, string value = "true")
    {
        _entries.Add((option, key, r => r.GetValue(option) ? value : null));
        return option;
    }

    public void AddTo(Command command)
    {
        foreach (var (option, _, _) in _entries)
        {
            command.Options.Add(option);
        }
    }

    public Dictionary<string, string?> Overrides(ParseResult result)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (option, key, value) in _entries)
        {
            if (result.GetResult(option) is { Implicit: false })
            {
                var v = value(result);
                if (v is not null)
                {
                    overrides[key] = v;
                }
            }
        }

        return overrides;
    }

    private static string? Format<T>(T value) => value switch
    {
        null => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
