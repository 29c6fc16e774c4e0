using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Diagnostics;

/// <summary>
/// Why a message was not processed: the <c>error.type</c> tag of <c>asyncmcp.messages.dropped</c> (listed in
/// <c>docs/observability.md</c>).
/// </summary>
internal static class DropReasons
{
    /// <summary>Larger than the wire limit.</summary>
    public const string TooLarge = "too_large";

    /// <summary>Not a readable CloudEvent, or an event type that does not belong where it arrived.</summary>
    public const string MalformedCloudEvent = "malformed_cloud_event";

    /// <summary>A required MCP attribute (<c>mcpreplyto</c>, <c>mcpsessionid</c>) is missing or invalid.</summary>
    public const string MissingAttribute = "missing_attribute";

    /// <summary>An attribute is longer than its limit (<see cref="WireLimits"/>) or holds control characters.</summary>
    public const string InvalidAttribute = "invalid_attribute";

    /// <summary>The CloudEvent's data is not a JSON-RPC message.</summary>
    public const string MalformedJsonRpc = "malformed_json_rpc";

    /// <summary>The request names a reply address this server does not deliver to.</summary>
    public const string ReplyAddressRefused = "reply_address_refused";

    /// <summary>The session named does not exist here (closed, expired, or never opened); requests are answered -32001.</summary>
    public const string UnknownSession = "unknown_session";

    /// <summary>The session belongs to another app-id; requests are answered -32011.</summary>
    public const string SessionForbidden = "session_forbidden";

    /// <summary>An <c>initialize</c> beyond the session cap; answered -32012.</summary>
    public const string TooManySessions = "too_many_sessions";

    /// <summary>A reply for a client connection that is not open in this process.</summary>
    public const string UnknownConnection = "unknown_connection";

    /// <summary>A webhook delivery whose signature, timestamp or headers do not verify.</summary>
    public const string WebhookUnverified = "webhook_unverified";

    /// <summary>A webhook delivery received before (a replay).</summary>
    public const string WebhookReplay = "webhook_replay";

    /// <summary>A new request that came while the app was shutting down, answered with an error.</summary>
    public const string ShuttingDown = "shutting_down";

    /// <summary>A client's answer to a task's request that no run of the task waits for any more (the task ended).</summary>
    public const string TaskEnded = "task_ended";

    /// <summary>The reason for a decoding error.</summary>
    public static string Of(WireError error) => error switch
    {
        WireError.TooLarge => TooLarge,
        WireError.MissingAttribute => MissingAttribute,
        WireError.MalformedJsonRpc => MalformedJsonRpc,
        WireError.InvalidAttribute => InvalidAttribute,
        _ => MalformedCloudEvent,
    };
}
