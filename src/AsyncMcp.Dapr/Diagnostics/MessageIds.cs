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

    /// <summary>The CloudEvent id of <paramref name="message"/>, if it was published or delivered over Dapr.</summary>
    public static string? Get(JsonRpcMessage message) =>
        message.Context?.Items is { } items && items.TryGetValue(ItemKey, out var id) ? id as string : null;
}
