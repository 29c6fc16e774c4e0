using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Diagnostics;

/// <summary>
/// Remembers on a JSON-RPC message the CloudEvent id it travels as (in <see cref="JsonRpcMessageContext.Items"/>,
/// which the MCP SDK hands to request handlers as <c>RequestContext.Items</c>), so that whoever handles or sent the
/// message can log the id the other side logs.
/// </summary>
internal static class MessageIds
{
    /// <summary>The key in <see cref="JsonRpcMessageContext.Items"/>.</summary>
    public const string ItemKey = "asyncmcp.dapr.message-id";

    /// <summary>Records the CloudEvent id of <paramref name="message"/>.</summary>
    public static void Set(JsonRpcMessage message, string messageId)
    {
        var context = message.Context ??= new JsonRpcMessageContext();
        (context.Items ??= new Dictionary<string, object?>(StringComparer.Ordinal))[ItemKey] = messageId;
    }

    /// <summary>The key of the sender's Dapr app-id (the CloudEvent <c>source</c>) of a delivered message.</summary>
    public const string SourceItemKey = "asyncmcp.dapr.source";

    /// <summary>Records the CloudEvent id and the sender's app-id of a delivered message.</summary>
    public static void SetDelivered(JsonRpcMessage message, string messageId, string source)
    {
        Set(message, messageId);
        message.Context!.Items![SourceItemKey] = source;
    }

    /// <summary>The sender's Dapr app-id of a message delivered over Dapr.</summary>
    public static string? SourceOf(JsonRpcMessage message) =>
        message.Context?.Items is { } items && items.TryGetValue(SourceItemKey, out var source) ? source as string : null;

    /// <summary>The CloudEvent id of <paramref name="message"/>, if it was published or delivered over Dapr.</summary>
    public static string? Get(JsonRpcMessage message) =>
        message.Context?.Items is { } items && items.TryGetValue(ItemKey, out var id) ? id as string : null;

    /// <summary>The key of the reply path of a delivered message.</summary>
    public const string ReplyPathItemKey = "asyncmcp.dapr.reply-path";

    /// <summary>Records where answers to a delivered message go, so that work outliving the request can still reach its client.</summary>
    public static void SetReplyPath(JsonRpcMessage message, DeliveredReplyPath path)
    {
        var context = message.Context ??= new JsonRpcMessageContext();
        (context.Items ??= new Dictionary<string, object?>(StringComparer.Ordinal))[ReplyPathItemKey] = path;
    }

    /// <summary>Where answers to a message delivered over Dapr go, if it was.</summary>
    public static DeliveredReplyPath? ReplyPathOf(JsonRpcMessage message) =>
        message.Context?.Items is { } items && items.TryGetValue(ReplyPathItemKey, out var path) ? path as DeliveredReplyPath : null;
}

/// <summary>Where the messages of a delivered request's session go: any replica can send there.</summary>
/// <param name="ReplyTo">The reply address, as written on the wire.</param>
/// <param name="SessionId">The session id, if the request belongs to a session.</param>
/// <param name="Connection">The client connection attribute.</param>
internal sealed record DeliveredReplyPath(string? ReplyTo, string? SessionId, string? Connection);
