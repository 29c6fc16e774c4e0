namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Names of the CloudEvent extension attributes that carry MCP routing information (see <c>docs/protocol.md</c>).
/// </summary>
/// <remarks>CloudEvents 1.0 requires extension names to be lower-case letters and digits.</remarks>
public static class McpCloudEventAttributes
{
    /// <summary>The MCP session id; absent on <c>initialize</c> and on sessionless (2026-07-28) messages.</summary>
    public const string SessionId = "mcpsessionid";

    /// <summary>Where the receiver sends everything that answers this message, as a <see cref="ReplyAddress"/> URI.</summary>
    public const string ReplyTo = "mcpreplyto";

    /// <summary>
    /// Opaque id of one client connection (one <c>McpClient</c>). The server copies it onto every message it sends
    /// back, so that a reply topic can be shared by many connections of one app.
    /// </summary>
    public const string Connection = "mcpconnection";

    /// <summary>The W3C trace context of the message (CloudEvents distributed-tracing extension).</summary>
    public const string TraceParent = "traceparent";

    /// <summary>
    /// The same trace context again, under the name daprd looks for: a CloudEvent that has it keeps its own
    /// <c>traceparent</c>, where one without it gets the context of the publish call (Dapr 1.12 and later), so each message
    /// of a bulk publish stays in its own trace. Written, never read.
    /// </summary>
    public const string TraceId = "traceid";
}
