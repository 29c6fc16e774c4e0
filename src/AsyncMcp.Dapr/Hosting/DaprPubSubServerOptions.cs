using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Options of an MCP server that takes its messages from a Dapr pub/sub topic.</summary>
public sealed class DaprPubSubServerOptions
{
    /// <summary>The Dapr app-id of this server; written as <c>source</c> on every event it publishes.
    /// Defaults to <c>APP_ID</c>, which <c>dapr run</c> sets, read from the app's configuration (or the environment).</summary>
    public string? AppId { get; set; }

    /// <summary>The Dapr pub/sub component the requests arrive on. Default: <c>pubsub</c>.</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>The topic clients publish their messages to. Default: <c>mcp-requests</c>.</summary>
    public string Topic { get; set; } = "mcp-requests";

    /// <summary>The topic where events that can never be processed end up. Default: <c>mcp-deadletters</c>;
    /// <see langword="null"/> turns dead-lettering off (such events are then only logged).</summary>
    public string? DeadLetterTopic { get; set; } = "mcp-deadletters";

    /// <summary>The HTTP route the sidecar delivers events to. Default: <c>/mcp/pubsub/requests</c>.</summary>
    public string Route { get; set; } = "/mcp/pubsub/requests";

    /// <summary>The HTTP route where <c>MapMcpDeadLetters</c> reads the dead-letter topic, to count and log each dead
    /// letter. Default: <c>/mcp/pubsub/deadletters</c>.</summary>
    public string DeadLetterRoute { get; set; } = "/mcp/pubsub/deadletters";

    /// <summary>Whether the route is announced to the sidecar through <c>/dapr/subscribe</c>. Set it to
    /// <see langword="false"/> when a declarative Subscription YAML routes the topic instead. Default: <see langword="true"/>.</summary>
    public bool SubscribeProgrammatically { get; set; } = true;

    /// <summary>The largest encoded event accepted or sent, in bytes. Default: <see cref="WireLimits.DefaultMaxMessageBytes"/>.</summary>
    public int MaxMessageBytes { get; set; } = WireLimits.DefaultMaxMessageBytes;

    /// <summary>How long a session may stay without traffic, and without requests in flight, before it expires. Default: 30 minutes.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The most sessions open at once; further <c>initialize</c> requests get an error. Default: 10,000.</summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>The most sessionless (2026-07-28) client connections served at once, each with a server of its own;
    /// a request from a further connection gets an error. Default: 10,000.</summary>
    public int MaxSessionlessLanes { get; set; } = 10_000;

    /// <summary>How many recent event ids are remembered to drop duplicate deliveries. Default: 10,000.</summary>
    public int DeduplicationCapacity { get; set; } = 10_000;
}
