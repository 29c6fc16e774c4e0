namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Lets a tool run as an MCP task on Dapr Workflow. Put it beside <c>[McpServerTool]</c>; the server option
/// <see cref="DaprTasksOptions.Tools"/> overrides it per tool name, and <see cref="DaprTasksOptions.DefaultTaskSupport"/>
/// applies to tools without either.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class McpTaskAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="support">Whether the tool may, must or must not run as a task.</param>
    public McpTaskAttribute(McpTaskSupport support = McpTaskSupport.Optional) => Support = support;

    /// <summary>Whether the tool may, must or must not run as a task.</summary>
    public McpTaskSupport Support { get; }
}
