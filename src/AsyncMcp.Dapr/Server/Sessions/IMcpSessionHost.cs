using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// The seam between the transport and where sessions live. The transport decodes and validates events; the host
/// finds (or opens) the session of each one and hands the message over. A durable, multi-replica host (on Dapr
/// actors, or on Dapr workflows) replaces the in-memory one behind this interface.
/// </summary>
internal interface IMcpSessionHost
{
    /// <summary>Routes one decoded message to its session, opening one on <c>initialize</c>.</summary>
    /// <returns>What to tell the sidecar: <see cref="DeliveryStatus.Success"/> once the message is handed over.</returns>
    Task<DeliveryStatus> DispatchAsync(McpEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Ends a session at the client's request.</summary>
    Task<DeliveryStatus> CloseAsync(McpEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>The number of sessions open now.</summary>
    int OpenSessions { get; }
}
