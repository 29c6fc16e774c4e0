using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Server;

/// <summary>
/// Takes a client's JSON-RPC response (or error) to a request that no session sent, before any session host sees it:
/// the requests a feature sends to a client on the session's behalf from another replica (a task's elicitation or
/// sampling), whose answers must reach that replica rather than the session's owner.
/// </summary>
internal interface IUnsolicitedResponseHandler
{
    /// <summary>
    /// Handles the response when its id is one of this handler's; <see langword="null"/> when it is not (the session
    /// host then gets it as usual).
    /// </summary>
    /// <returns>What to tell the sidecar once handled.</returns>
    Task<DeliveryStatus?> TryHandleAsync(McpEnvelope envelope, CancellationToken cancellationToken);
}
