namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>The MCP protocol revisions the front accepts in the <c>MCP-Protocol-Version</c> header.</summary>
internal static class ProtocolVersions
{
    /// <summary>The first revision without sessions: requests carry their context in <c>_meta</c>.</summary>
    public const string FirstSessionless = "2026-07-28";

    public static readonly string[] Supported = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", FirstSessionless];

    public static bool IsSupported(string version) => Supported.Contains(version, StringComparer.Ordinal);

    // Revisions are dates, so they order as strings.
    public static bool IsSessionless(string? version) =>
        !string.IsNullOrEmpty(version) && string.CompareOrdinal(version, FirstSessionless) >= 0;
}
