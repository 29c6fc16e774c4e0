using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Wire;

/// <summary>One MCP message as it travels in a CloudEvent: the JSON-RPC message and its routing attributes.</summary>
public sealed record McpEnvelope
{
    /// <summary>The CloudEvent <c>id</c>: unique per message and kept across redeliveries; the de-duplication key.</summary>
    public required string Id { get; init; }

    /// <summary>The CloudEvent <c>source</c>: the Dapr app-id of the publisher.</summary>
    public required string Source { get; init; }

    /// <summary>The CloudEvent <c>type</c>: one of <see cref="McpCloudEventTypes"/>.</summary>
    public string Type { get; init; } = McpCloudEventTypes.Message;

    /// <summary>The MCP session id, or <see langword="null"/> for <c>initialize</c> and sessionless messages.</summary>
    public string? SessionId { get; init; }

    /// <summary>Where answers to this message go; required on messages from clients.</summary>
    public ReplyAddress? ReplyTo { get; init; }

    /// <summary>The client connection the message belongs to.</summary>
    public string? Connection { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the message, if any.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The topic a delivered event came from (its CloudEvent <c>topic</c> attribute, which daprd sets on
    /// delivery); <see langword="null"/> on events this process creates. Not written when encoding.</summary>
    internal string? Topic { get; init; }

    /// <summary>The JSON-RPC message; <see langword="null"/> only for <see cref="McpCloudEventTypes.SessionClose"/>.</summary>
    public JsonRpcMessage? Message { get; init; }

    /// <summary>A new envelope of this process: a fresh id, and the trace context of the current activity.</summary>
    /// <param name="source">This app's Dapr app-id.</param>
    /// <param name="sessionId">The session it belongs to, if any.</param>
    /// <param name="connection">The client connection it belongs to, if any.</param>
    /// <param name="message">The JSON-RPC message; <see langword="null"/> for a session close.</param>
    /// <param name="replyTo">Where answers go (on messages from clients).</param>
    /// <param name="id">The CloudEvent id, when the caller already chose it.</param>
    /// <param name="type">The CloudEvent type.</param>
    internal static McpEnvelope Create(
        string source,
        string? sessionId,
        string? connection,
        JsonRpcMessage? message,
        ReplyAddress? replyTo = null,
        string? id = null,
        string type = McpCloudEventTypes.Message) => new()
        {
            Id = id ?? Guid.NewGuid().ToString("N"),
            Source = source,
            Type = type,
            SessionId = sessionId,
            ReplyTo = replyTo,
            Connection = connection,
            TraceParent = McpEventPublisher.CurrentTraceParent(),
            Message = message,
        };
}
