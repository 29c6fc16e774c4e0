using System.Diagnostics;

namespace AsyncMcp.Dapr.Emulator.Diagnostics;

/// <summary>W3C trace context (traceparent) helpers, as daprd's diag package handles them.</summary>
internal static class TraceContext
{
    /// <summary>
    /// The traceparent of the span daprd opens for an incoming call: a child of <paramref name="incoming"/>
    /// (same trace id and flags, a new span id), or the root of a new trace when there is no valid incoming traceparent.
    /// </summary>
    public static string ChildOf(string? incoming)
    {
        if (TryParse(incoming, out var traceId, out var flags))
        {
            return $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-{flags}";
        }

        return $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
    }

    /// <summary>Reads the trace id of a traceparent, or null.</summary>
    public static string? TraceIdOf(string? traceparent) =>
        TryParse(traceparent, out var traceId, out _) ? traceId : null;

    private static bool TryParse(string? value, out string traceId, out string flags)
    {
        traceId = flags = string.Empty;
        if (value is null)
        {
            return false;
        }

        var parts = value.Trim().Split('-');
        if (parts.Length < 4 || parts[0].Length != 2 || parts[1].Length != 32 || parts[2].Length != 16 || parts[3].Length != 2
            || !IsHex(parts[1]) || !IsHex(parts[2]) || !IsHex(parts[3]) || parts[1].All(c => c == '0') || parts[2].All(c => c == '0'))
        {
            return false;
        }

        traceId = parts[1].ToLowerInvariant();
        flags = parts[3].ToLowerInvariant();
        return true;
    }

    private static bool IsHex(string s) => s.All(Uri.IsHexDigit);
}
