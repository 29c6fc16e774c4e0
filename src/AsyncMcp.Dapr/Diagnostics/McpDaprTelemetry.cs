namespace AsyncMcp.Dapr.Diagnostics;

/// <summary>
/// Names under which the library reports traces and metrics. Add them to OpenTelemetry with
/// <c>AddSource(McpDaprTelemetry.ActivitySourceName)</c> and <c>AddMeter(McpDaprTelemetry.MeterName)</c>; add the MCP
/// SDK's <c>Experimental.ModelContextProtocol</c> too to see the server's own request spans in the same traces.
/// </summary>
public static class McpDaprTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of the transports: one span per publish and per delivery.</summary>
    public const string ActivitySourceName = "AsyncMcp.Dapr";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the transports and the session host.</summary>
    public const string MeterName = "AsyncMcp.Dapr";
}
