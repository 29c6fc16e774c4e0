using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Options of MCP clients that reach a server over Dapr pub/sub.</summary>
public sealed class DaprPubSubClientOptions
{
    /// <summary>The Dapr app-id of this client; written as <c>source</c> on every event it publishes.
    /// Defaults to <c>APP_ID</c>, which <c>dapr run</c> sets, read from the app's configuration (or the environment).</summary>
    public string? AppId { get; set; }

    /// <summary>The Dapr pub/sub component used both ways. Default: <c>pubsub</c>.</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>The server's request topic. Default: <c>mcp-requests</c>.</summary>
    public string ServerTopic { get; set; } = "mcp-requests";

    /// <summary>The topic this client instance receives replies on. It must be read by this instance only
    /// (see <c>docs/protocol.md</c>). Default: <c>mcp-replies-{AppId}</c>.</summary>
    public string? ReplyTopic { get; set; }

    /// <summary>The HTTP route the sidecar delivers replies to. Default: <c>/mcp/pubsub/replies</c>.</summary>
    public string Route { get; set; } = "/mcp/pubsub/replies";

    /// <summary>Whether the reply route is announced through <c>/dapr/subscribe</c>. Default: <see langword="true"/>.</summary>
    public bool SubscribeProgrammatically { get; set; } = true;

    /// <summary>The largest encoded event accepted or sent, in bytes. Default: <see cref="WireLimits.DefaultMaxMessageBytes"/>.</summary>
    public int MaxMessageBytes { get; set; } = WireLimits.DefaultMaxMessageBytes;

    /// <summary>
    /// How long a client waits for the answer to its <c>server/discover</c> probe before it falls back to
    /// <c>initialize</c>. A queue adds latency that the MCP SDK's 5-second default does not allow for. Default: 30 seconds.
    /// </summary>
    public TimeSpan DiscoverProbeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Chooses the reply route. <see langword="null"/> (the default): replies come over pub/sub, on
    /// <see cref="ReplyTopic"/>. A binding name: replies come by signed webhook, delivered by the server's sidecar
    /// through this Dapr HTTP output binding (the name as the <em>server's</em> sidecar declares it) to
    /// <see cref="ReplyBindingPath"/> below its URL; map the receiving endpoint with <c>MapMcpWebhookReplies</c>.
    /// Requests go to the server over pub/sub either way (see <c>docs/webhooks.md</c>).
    /// </summary>
    public string? ReplyBinding { get; set; }

    /// <summary>The path appended to the reply binding's URL. Default: <c>mcp/webhooks/replies</c>, the default route of
    /// <c>MapMcpWebhookReplies</c>.</summary>
    public string ReplyBindingPath { get; set; } = "mcp/webhooks/replies";

    /// <summary>
    /// How long a request may wait without hearing anything from the server on its connection before it ends with
    /// error <see cref="McpWireErrorCodes.ReplyTimedOut"/>. Any message from the server (progress, logging, a
    /// server-to-client request) extends the wait. <see langword="null"/> (the default): wait as long as the caller's
    /// cancellation token allows. Set it with webhook replies: a receiver the server cannot reach never hears why.
    /// </summary>
    public TimeSpan? ReplyTimeout { get; set; }

    /// <summary>The reply topic in effect.</summary>
    internal string EffectiveReplyTopic => ReplyTopic ?? $"mcp-replies-{AppId}";

    /// <summary>The reply address in effect.</summary>
    internal ReplyAddress EffectiveReplyTo => ReplyBinding is { } binding
        ? ReplyAddress.ForBinding(binding, ReplyBindingPath)
        : ReplyAddress.ForPubSub(PubSubName, EffectiveReplyTopic);
}
