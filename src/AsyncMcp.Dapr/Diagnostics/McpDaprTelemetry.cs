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

    /// <summary>
    /// The CloudEvent id a JSON-RPC message was delivered or published as: the <c>MessageId</c> the library's log lines
    /// and the other side's logs carry. In a tool, pass <c>context.JsonRpcRequest</c>; after sending through a pub/sub
    /// client transport, pass the message sent.
    /// </summary>
    /// <param name="message">A message that came in or went out over Dapr pub/sub or a webhook.</param>
    /// <returns>The id, or <see langword="null"/> for a message that did not travel over Dapr.</returns>
    public static string? MessageIdOf(ModelContextProtocol.Protocol.JsonRpcMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return MessageIds.Get(message);
    }

    /// <summary>
    /// The Dapr app-id that sent a message delivered over Dapr (its CloudEvent <c>source</c>, set by the sender's
    /// sidecar): the identity a server can bind what the request creates to, as sessions and MCP tasks are.
    /// </summary>
    /// <param name="message">A message delivered over Dapr pub/sub.</param>
    /// <returns>The app-id, or <see langword="null"/> for a message that did not come over Dapr.</returns>
    public static string? SenderAppIdOf(ModelContextProtocol.Protocol.JsonRpcMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return MessageIds.SourceOf(message);
    }
}
