using System.Buffers;
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

    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    // version-traceid-spanid-flags[-...]: two, 32, 16 and two hex digits, neither id all zeros.
    private static bool TryParse(string? value, out string traceId, out string flags)
    {
        traceId = flags = string.Empty;
        if (value is null)
        {
            return false;
        }

        Span<Range> parts = stackalloc Range[5];
        var text = value.AsSpan().Trim();
        var count = text.Split(parts, '-');
        if (count < 4)
        {
            return false;
        }

        ReadOnlySpan<char> version = text[parts[0]], trace = text[parts[1]], span = text[parts[2]], flagText = text[parts[3]];
        if (version.Length != 2 || trace.Length != 32 || span.Length != 16 || flagText.Length != 2
            || !IsHex(trace) || !IsHex(span) || !IsHex(flagText) || !trace.ContainsAnyExcept('0') || !span.ContainsAnyExcept('0'))
        {
            return false;
        }

        traceId = trace.ToString().ToLowerInvariant();
        flags = flagText.ToString().ToLowerInvariant();
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> s) => !s.ContainsAnyExcept(Hex);
}
