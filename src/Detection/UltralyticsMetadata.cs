using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Lookout.Detection;

/// <summary>
/// Reads the custom metadata Ultralytics writes into its ONNX exports: <c>names</c> is a Python dict literal
/// such as <c>{0: 'person', 1: 'bicycle'}</c> and <c>imgsz</c> a list such as <c>[640, 640]</c> (height, width).
/// </summary>
internal static class UltralyticsMetadata
{
    public const string NamesKey = "names";
    public const string ImageSizeKey = "imgsz";
    public const string TaskKey = "task";

    /// <summary>
    /// Parses a dict of class index to name. Accepts single or double quotes, backslash escapes and quoted
    /// keys (JSON). Indices must be exactly 0..n−1.
    /// </summary>
    public static bool TryParseNames(string? text, [NotNullWhen(true)] out string[]? names)
    {
        names = null;
        if (text is null)
        {
            return false;
        }

        var byIndex = new SortedDictionary<int, string>();
        int pos = 0;
        SkipSpace(text, ref pos);
        if (!Consume(text, ref pos, '{'))
        {
            return false;
        }

        SkipSpace(text, ref pos);
        if (Consume(text, ref pos, '}'))
        {
            return false;
        }

        while (true)
        {
            SkipSpace(text, ref pos);
            if (!TryParseKey(text, ref pos, out int index) || index < 0 || byIndex.ContainsKey(index))
            {
                return false;
            }

            SkipSpace(text, ref pos);
            if (!Consume(text, ref pos, ':'))
            {
                return false;
            }

            SkipSpace(text, ref pos);
            if (!TryParseQuoted(text, ref pos, out string? name))
            {
                return false;
            }

            byIndex[index] = name;
            SkipSpace(text, ref pos);
            if (Consume(text, ref pos, ','))
            {
                SkipSpace(text, ref pos);
                if (Consume(text, ref pos, '}'))
                {
                    break;
                }

                continue;
            }

            if (Consume(text, ref pos, '}'))
            {
                break;
            }

            return false;
        }

        SkipSpace(text, ref pos);
        if (pos != text.Length)
        {
            return false;
        }

        var result = new string[byIndex.Count];
        int expected = 0;
        foreach (KeyValuePair<int, string> pair in byIndex)
        {
            if (pair.Key != expected)
            {
                return false;
            }

            result[expected++] = pair.Value;
        }

        names = result;
        return true;
    }

    /// <summary>Parses <c>[h, w]</c>, <c>(h, w)</c> or a single side <c>640</c> / <c>[640]</c>.</summary>
    public static bool TryParseImageSize(string? text, out int height, out int width)
    {
        height = 0;
        width = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string[] parts = text.Trim().Trim('[', ']', '(', ')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2
            || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out height)
            || height <= 0)
        {
            return false;
        }

        if (parts.Length == 1)
        {
            width = height;
            return true;
        }

        return int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out width) && width > 0;
    }

    private static void SkipSpace(string text, ref int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }

    private static bool Consume(string text, ref int pos, char c)
    {
        if (pos < text.Length && text[pos] == c)
        {
            pos++;
            return true;
        }

        return false;
    }

    private static bool TryParseKey(string text, ref int pos, out int index)
    {
        index = 0;
        if (pos < text.Length && (text[pos] == '\'' || text[pos] == '"'))
        {
            return TryParseQuoted(text, ref pos, out string? quoted)
                && int.TryParse(quoted, NumberStyles.None, CultureInfo.InvariantCulture, out index);
        }

        int start = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        return pos > start
            && int.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static bool TryParseQuoted(string text, ref int pos, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (pos >= text.Length || (text[pos] != '\'' && text[pos] != '"'))
        {
            return false;
        }

        char quote = text[pos++];
        var sb = new StringBuilder();
        while (pos < text.Length)
        {
            char c = text[pos++];
            if (c == quote)
            {
                value = sb.ToString();
                return true;
            }

            if (c == '\\' && pos < text.Length)
            {
                char escaped = text[pos++];
                sb.Append(escaped switch
                {
                    'n' => '\n',
                    't' => '\t',
                    _ => escaped,
                });
                continue;
            }

            sb.Append(c);
        }

        return false;
    }
}
