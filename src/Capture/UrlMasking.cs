using System.Text.RegularExpressions;

namespace Lookout.Capture;

/// <summary>
/// Hides the credentials of URLs (<c>rtsp://user:secret@host</c> → <c>rtsp://user:***@host</c>) in any
/// text that may reach a log, an error message or an output file.
/// </summary>
/// <remarks>
/// Works on whole messages, not only on a bare URL, because child processes such as ffmpeg quote the
/// URL inside their own error lines. A user name without a password may itself be a token, so it is
/// masked whole (<c>rtsp://***@host</c>).
/// </remarks>
public static partial class UrlMasking
{
    /// <summary>The mask that replaces a password (or a lone user name).</summary>
    public const string Mask = "***";

    /// <summary><paramref name="text"/> with the user information of every URL in it masked; the same string when there is none.</summary>
    public static string MaskCredentials(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('@', StringComparison.Ordinal))
        {
            return text ?? string.Empty;
        }

        return SchemeAndAuthority().Replace(text, static match =>
        {
            // The authority runs to the first '/', '?' or '#'; the user information ends at its last '@'
            // (an unescaped '@' inside a password is common in camera URLs).
            var authority = match.Groups["authority"].Value;
            var at = authority.LastIndexOf('@');
            if (at < 0)
            {
                return match.Value;
            }

            var userInfo = authority[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var masked = colon < 0 ? Mask : string.Concat(userInfo.AsSpan(0, colon + 1), Mask);
            return string.Concat(match.Groups["scheme"].Value, masked, authority.AsSpan(at));
        });
    }

    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?<authority>[^/?#\s""']*)", RegexOptions.CultureInvariant)]
    private static partial Regex SchemeAndAuthority();
}
