using System.Globalization;
using OpenCvSharp;

namespace Lookout.Training.Cli;

/// <summary>
/// <c>--name value</c> options and <c>--flag</c> switches of one verb. Every option must be read by the
/// verb; <see cref="EnsureAllUsed"/> then rejects any that was not, so a typo is an error, not ignored.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args, IReadOnlySet<string> flagNames)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}'; options are written --name value.");
            }

            var name = arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                Add(name[..eq], name[(eq + 1)..]);
            }
            else if (flagNames.Contains(name))
            {
                _flags.Add(name);
            }
            else if (e.MoveNext())
            {
                Add(name, e.Current);
            }
            else
            {
                throw new UsageException($"--{name} needs a value.");
            }
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var list) ? list[^1] : null;
    }

    public string RequiredString(string name) => String(name) ?? throw new UsageException($"--{name} is required.");

    public IReadOnlyList<string> All(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var list) ? list : [];
    }

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} '{text}' must be a whole number from {min} to {max}.");
        }

        return value;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} '{text}' must be a number from {min} to {max}.");
        }

        return value;
    }

    /// <summary>Sizes written WxH, repeated or comma-separated.</summary>
    public IReadOnlyList<Size> Sizes(string name, IReadOnlyList<Size> fallback)
    {
        var all = All(name);
        if (all.Count == 0)
        {
            return fallback;
        }

        var sizes = new List<Size>();
        foreach (var item in all.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            sizes.Add(ParseSize(name, item));
        }

        return sizes;
    }

    public static Size ParseSize(string name, string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var h)
            && w >= 32 && h >= 32 && w <= 8192 && h <= 8192)
        {
            return new Size(w, h);
        }

        throw new UsageException($"--{name} '{text}' must be WIDTHxHEIGHT, each 32 to 8192 (e.g. 640x360).");
    }

    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Concat(_flags).Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }
}
