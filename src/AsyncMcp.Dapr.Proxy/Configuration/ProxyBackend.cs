namespace AsyncMcp.Dapr.Proxy.Configuration;

/// <summary>How the proxy reaches the MCP server behind it.</summary>
public enum ProxyBackend
{
    /// <summary>Requests to the server's topic, replies on this proxy instance's own reply topic (Dapr pub/sub both ways).</summary>
    PubSub,

    /// <summary>
    /// Requests to the server's topic over pub/sub, replies by signed webhook through the Dapr HTTP output binding named
    /// by <c>Mcp:PubSub:ReplyBinding</c>, verified by this proxy (<c>Mcp:Webhooks</c>; see docs/webhooks.md).
    /// </summary>
    PubSubWithWebhookReplies,
}
