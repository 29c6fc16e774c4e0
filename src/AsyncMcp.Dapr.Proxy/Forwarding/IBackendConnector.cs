using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Forwarding;

/// <summary>
/// Opens connections to the MCP server behind the proxy: one per front session. The option point for the transport
/// behind (<see cref="Configuration.ProxyOptions.Backend"/>): pub/sub today, pub/sub with webhook replies next.
/// </summary>
internal interface IBackendConnector
{
    /// <summary>A name for logs, e.g. <c>dapr-pubsub:pubsub/mcp-requests</c>.</summary>
    string Name { get; }

    /// <summary>Opens a new, independent connection (its own backend session or lane).</summary>
    Task<ITransport> ConnectAsync(CancellationToken cancellationToken);
}
