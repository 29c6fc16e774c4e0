namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// Options of sessions hosted as Dapr workflow instances (<c>WithWorkflowSessions()</c>). The idle timeout and the
/// session cap are <see cref="AsyncMcp.Dapr.Hosting.DaprPubSubServerOptions.SessionIdleTimeout"/> and
/// <see cref="AsyncMcp.Dapr.Hosting.DaprPubSubServerOptions.MaxSessions"/>.
/// </summary>
public sealed class WorkflowSessionOptions
{
    /// <summary>The prefix of each session's workflow instance id (the session id follows it). Instance ids are unique
    /// per app: give each MCP server app sharing a workflow engine its own. Default: <c>mcp-session-</c>.</summary>
    public string InstanceIdPrefix { get; set; } = "mcp-session-";

    /// <summary>How many recent CloudEvent ids each session remembers to drop duplicate deliveries. Default: 256.</summary>
    public int DeduplicationWindow { get; set; } = 256;

    /// <summary>How often a session with requests in flight checks, through a durable timer, that its server is still
    /// running: after its replica dies, the timer fires on the new owner, which answers those requests. A session that
    /// handled events since its generation began checks as soon, and once quiet continues as new, so that an idle
    /// session keeps its record, not the history of its last messages. Default: 1 second.</summary>
    public TimeSpan InFlightCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long rebuilding a session's server (replaying its initialize exchange) may take. Default: 10 seconds.</summary>
    public TimeSpan ReplayTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many events a session's workflow handles before it continues as new with its record as input, which
    /// keeps the history of a session that is never quiet (replayed on every turn) short. Default: 100.</summary>
    public int EventsPerGeneration { get; set; } = 100;

    /// <summary>How often each replica looks for ended sessions (closed, expired, failed, or terminated with Dapr's
    /// workflow tooling) whose instances are still in the workflow store, and purges those ended for at least this long,
    /// giving back the slot of any that did not end by itself. Catches the ends nothing else cleans up: an instance
    /// whose replica stopped before purging it, or one terminated by an operator that no message names again.
    /// Default: 5 minutes.</summary>
    public TimeSpan EndedSweepInterval { get; set; } = TimeSpan.FromMinutes(5);
}
