namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Options of MCP tasks on Dapr Workflow (configuration section <c>Mcp:Tasks</c> in the sample server). Validated when
/// the app starts.
/// </summary>
public sealed class DaprTasksOptions
{
    /// <summary>Task support of tools that carry no <see cref="McpTaskAttribute"/> and are not named in <see cref="Tools"/>.</summary>
    public McpTaskSupport DefaultTaskSupport { get; set; } = McpTaskSupport.Forbidden;

    /// <summary>Task support per tool name; overrides the tool's <see cref="McpTaskAttribute"/>.</summary>
    public Dictionary<string, McpTaskSupport> Tools { get; } = new(StringComparer.Ordinal);

    /// <summary>How long a task is kept after its creation when the client asks for no TTL (2026-07-28 clients never do).</summary>
    public TimeSpan DefaultTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest TTL the server grants; a longer request is shortened to this.</summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The polling interval suggested to clients (<c>pollInterval</c> / <c>pollIntervalMs</c>).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long <c>tasks/cancel</c> waits for the workflow to record the cancellation before terminating it. The tool
    /// sees the cancellation through its <see cref="CancellationToken"/> at once on the replica that runs it, and
    /// within <see cref="PollInterval"/> on any other.
    /// </summary>
    public TimeSpan CancelGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether status changes are pushed to the client (<c>notifications/tasks/status</c>, 2025-11-25).</summary>
    public bool StatusNotifications { get; set; } = true;

    /// <summary>The most tasks one <c>tasks/list</c> page examines.</summary>
    public int ListPageSize { get; set; } = 50;

    /// <summary>How often each replica looks for expired tasks to purge. Expired tasks are also purged when touched.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A base64 key (at least 32 bytes) from which task ids are derived, so that a creating request delivered twice,
    /// to any replica, names the same task. Every replica of the server must have the same key; keep it in a secret
    /// store. When empty, each process draws its own key, and duplicates are only recognised by the replica that saw
    /// the first delivery.
    /// </summary>
    public string? TaskIdKey { get; set; }

    /// <summary>
    /// The Dapr state store that records how many times each task's tool has started (so that a tool interrupted by a
    /// stopped replica is never run twice unless it is idempotent). Usually the workflow engine's own actor state store.
    /// </summary>
    public string StateStoreName { get; set; } = "statestore";
}
