namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// JSON-RPC error codes that the transport itself returns (in the implementation-defined range -32000 to -32099).
/// </summary>
public static class McpWireErrorCodes
{
    /// <summary>The message names a session that does not exist, was closed, or has expired. Re-initialize.</summary>
    public const int SessionNotFound = -32001;

    /// <summary>The message, or the reply to it, is larger than the wire limit.</summary>
    public const int MessageTooLarge = -32010;

    /// <summary>The session was opened by another Dapr app-id.</summary>
    public const int SessionForbidden = -32011;

    /// <summary>The server has reached its cap on open sessions.</summary>
    public const int TooManySessions = -32012;

    /// <summary>
    /// The reply address names a Dapr binding this server does not allow for replies (not declared as an HTTP output
    /// binding in its sidecar, not in its allow-list, or without a signing secret). This error cannot travel to the
    /// refused address: the server logs it and the event goes to the dead-letter topic (see <c>docs/webhooks.md</c>).
    /// </summary>
    public const int ReplyAddressRefused = -32013;

    /// <summary>
    /// Raised on the client side: no message came from the server for a pending request within the client's
    /// <c>ReplyTimeout</c> (for example because the server could not deliver to the client's webhook for good).
    /// </summary>
    public const int ReplyTimedOut = -32014;

    /// <summary>The server replica that ran the request stopped before it answered; the request was not re-run.</summary>
    public const int RequestInterrupted = -32015;

    /// <summary>
    /// The app is shutting down: it took no new request, or a request in flight did not finish within its drain period
    /// (<c>Mcp:Shutdown:DrainPeriod</c>). Sending the request again, to another replica or after the restart, is safe for
    /// a new request; a tool call that was under way may have had effects.
    /// </summary>
    public const int ShuttingDown = -32016;
}
