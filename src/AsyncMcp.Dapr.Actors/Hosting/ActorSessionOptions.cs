using AsyncMcp.Dapr.Hosting;

namespace AsyncMcp.Dapr.Actors.Hosting;

/// <summary>
/// Options of sessions hosted as Dapr actors (<c>WithActorSessions()</c>). The idle timeout and the session cap are
/// <see cref="DaprPubSubServerOptions.SessionIdleTimeout"/> and <see cref="DaprPubSubServerOptions.MaxSessions"/>.
/// </summary>
public sealed class ActorSessionOptions
{
    /// <summary>The actor type of sessions. Actor types are unique in a Dapr namespace: give each MCP server app its own.
    /// Default: <c>McpSession</c>.</summary>
    public string ActorTypeName { get; set; } = "McpSession";

    /// <summary>The state store component with <c>actorStateStore: "true"</c>; it also holds the open-session count.
    /// Default: <c>statestore</c>.</summary>
    public string StateStoreName { get; set; } = "statestore";

    /// <summary>How many recent CloudEvent ids each session remembers to drop duplicate deliveries. Default: 256.</summary>
    public int DeduplicationWindow { get; set; } = 256;

    /// <summary>How often a session with requests in flight checks, through a durable reminder, that it is still
    /// served: after its replica dies, the reminder fires on the new owner, which answers those requests.
    /// It bounds how long a client waits to hear about a lost request. Default: 1 second.</summary>
    public TimeSpan InFlightCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long rebuilding a session's server (replaying its initialize exchange) may take. Default: 10 seconds.</summary>
    public TimeSpan ReplayTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
