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

    /// <summary>The server replica that ran the request stopped before it answered; the request was not re-run.</summary>
    public const int RequestInterrupted = -32013;
}
