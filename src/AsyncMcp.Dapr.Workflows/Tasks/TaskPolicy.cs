using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>Which tools may run as tasks: the server option per tool name, else the tool's attribute, else the default.</summary>
internal sealed class TaskPolicy(IOptions<DaprTasksOptions> options)
{
    public McpTaskSupport SupportOf(McpServerTool tool)
    {
        var name = tool.ProtocolTool.Name;
        if (options.Value.Tools.TryGetValue(name, out var configured))
        {
            return configured;
        }

        return tool.Metadata.OfType<McpTaskAttribute>().LastOrDefault()?.Support ?? options.Value.DefaultTaskSupport;
    }

    public McpTaskSupport SupportOf(McpServerOptions serverOptions, string? toolName) =>
        toolName is not null && serverOptions.ToolCollection is { } tools && tools.TryGetPrimitive(toolName, out var tool)
            ? SupportOf(tool)
            : McpTaskSupport.Forbidden;

    /// <summary>Whether the tool says it may run twice with the same effect (<c>Idempotent = true</c>).</summary>
    public static bool IsIdempotent(McpServerTool tool) => tool.ProtocolTool.Annotations?.IdempotentHint == true;

    /// <summary>The wire value of <c>execution.taskSupport</c>.</summary>
    public static string WireValue(McpTaskSupport support) => support switch
    {
        McpTaskSupport.Optional => "optional",
        McpTaskSupport.Required => "required",
        _ => "forbidden",
    };
}
