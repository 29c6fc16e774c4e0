using System.Globalization;
using System.Text;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Makes a value a client or a network peer chose safe to write into a log line: control characters (CR, LF, ESC and
/// the rest of C0 and C1), line and paragraph separators and lone surrogates become <c>\uXXXX</c>, and a long value
/// is cut, so that no input can forge a log line, move a terminal's cursor or fill the log.
/// </summary>
internal static class LogText
{
    /// <summary>The most characters of one value written to a log line.</summary>
    public const int MaxLength = 256;

    /// <summary>The value, escaped and cut to <see cref="MaxLength"/>; <see langword="null"/> stays <see langword="null"/>.</summary>
    public static string? Escape(string? value)
    {
        if (value is null || (value.Length <= MaxLength && !NeedsEscaping(value)))
        {
            return value;
        }

        var shown = value.Length > MaxLength ? value[..MaxLength] : value;
        var builder = new StringBuilder(shown.Length + 16);
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            if (IsUnsafe(shown, i))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
                if (char.IsHighSurrogate(c))
                {
                    builder.Append(shown[++i]);
                }
            }
        }

        if (value.Length > MaxLength)
        {
            builder.Append(CultureInfo.InvariantCulture, $"…({value.Length} characters)");
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="value"/> holds a character <see cref="Escape"/> would escape.</summary>
    public static bool HasControlCharacters(string value) => NeedsEscaping(value);

    private static bool NeedsEscaping(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (IsUnsafe(value, i))
            {
                return true;
            }

            if (char.IsHighSurrogate(value[i]))
            {
                i++;
            }
        }

        return false;
    }

    private static bool IsUnsafe(string value, int index)
    {
        var c = value[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 >= value.Length || !char.IsLowSurrogate(value[index + 1]);
        }

        return char.IsControl(c) || char.IsLowSurrogate(c) || c is '\u2028' or '\u2029' or '\u200e' or '\u200f' or '\u202a' or '\u202b' or '\u202c' or '\u202d' or '\u202e';
    }
}
