namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Whether a tool may run as an MCP task: the <c>execution.taskSupport</c> a 2025-11-25 client sees in <c>tools/list</c>,
/// and whether a 2026-07-28 server answers the tool's calls with a task.
/// </summary>
public enum McpTaskSupport
{
    /// <summary>The tool never runs as a task (the default, as in the MCP specification).</summary>
    Forbidden,

    /// <summary>
    /// The tool runs as a task when the client asks for one (2025-11-25 <c>params.task</c>) or declares the tasks
    /// extension (2026-07-28); otherwise it runs as a plain call.
    /// </summary>
    Optional,

    /// <summary>The tool runs only as a task; a call that cannot become a task is refused.</summary>
    Required,
}
