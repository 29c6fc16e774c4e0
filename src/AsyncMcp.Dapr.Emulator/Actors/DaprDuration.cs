using System.Globalization;
using System.Text.RegularExpressions;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// Durations and schedules as daprd reads them for reminders, timers and actor configuration
/// (dapr/kit time/time.go ParseDuration, ParseISO8601Duration, ParseTime): Go durations ("1h2m3s4ms"),
/// ISO 8601 durations ("P1DT2H", with optional repetitions "R5/PT10S"), and RFC 3339 times for a due time.
/// </summary>
internal static partial class DaprDuration
{
    /// <summary>Parses a Go or ISO 8601 duration; an empty string is zero.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out int repetitions)
    {
        value = TimeSpan.Zero;
        repetitions = -1;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var iso = IsoPattern().Match(text);
        if (iso.Success)
        {
            if (iso.Groups["r"].Success)
            {
                repetitions = int.Parse(iso.Groups["r"].Value, CultureInfo.InvariantCulture);
            }

            value = TimeSpan.FromDays((7 * Number(iso, "w")) + Number(iso, "d") + (30 * Number(iso, "mo")) + (365 * Number(iso, "y")))
                + TimeSpan.FromHours(Number(iso, "h")) + TimeSpan.FromMinutes(Number(iso, "mi")) + TimeSpan.FromSeconds(Number(iso, "s"));
            return true;
        }

        return TryParseGo(text, out value);
    }

    /// <summary>Parses a due time: a duration from now, or an RFC 3339 instant.</summary>
    public static bool TryParseDueTime(string? text, DateTimeOffset now, out DateTimeOffset due)
    {
        if (TryParse(text, out var delay, out _))
        {
            due = now + delay;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out due))
        {
            return true;
        }

        due = default;
        return false;
    }

    /// <summary>A duration in Go's notation, as daprd writes durations in JSON.</summary>
    public static string Format(TimeSpan value)
    {
        var hours = (long)value.TotalHours;
        return string.Create(CultureInfo.InvariantCulture, $"{hours}h{value.Minutes}m{value.Seconds}s{value.Milliseconds}ms");
    }

    private static double Number(Match match, string group) =>
        match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    private static bool TryParseGo(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var negative = text.StartsWith('-');
        var rest = text.TrimStart('-', '+');
        if (rest == "0")
        {
            return true;
        }

        var matches = GoPattern().Matches(rest);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != rest)
        {
            return false;
        }

        double ticks = 0;
        foreach (Match match in matches)
        {
            var number = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            ticks += number * match.Groups["u"].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    [GeneratedRegex(@"^(R(?<r>\d+)/)?P((?<y>\d+)Y)?((?<mo>\d+)M)?((?<w>\d+)W)?((?<d>\d+)D)?(T((?<h>\d+)H)?((?<mi>\d+)M)?((?<s>\d+(\.\d+)?)S)?)?$")]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"(?<n>\d+(\.\d*)?|\.\d+)(?<u>ns|us|µs|μs|ms|s|m|h)")]
    private static partial Regex GoPattern();
}
