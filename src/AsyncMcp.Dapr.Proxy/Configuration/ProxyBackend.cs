namespace AsyncMcp.Dapr.Proxy.Configuration;

/// <summary>How the proxy reaches the MCP server behind it.</summary>
public enum ProxyBackend
{
    /// <summary>Requests to the server's topic, replies on this proxy instance's own reply topic (Dapr pub/sub both ways).</summary>
    PubSub,
}
