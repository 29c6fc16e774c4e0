using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Message filters that show task support where the typed SDK objects have no field for it: <c>capabilities.tasks</c>
/// in the 2025-11-25 <c>initialize</c> result and <c>execution.taskSupport</c> on each tool in <c>tools/list</c>.
/// </summary>
internal sealed class TaskMessageFilters(TaskPolicy policy)
{
    // The outgoing message does not say which request it answers, and each message has its own server context, so the
    // two results are told by their shape: only initialize has serverInfo and protocolVersion, only tools/list tools.
    public McpMessageHandler Outgoing(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcResponse { Result: JsonObject result } &&
            !IsExtensionGeneration(context.Server.NegotiatedProtocolVersion))
        {
            if (result.ContainsKey("serverInfo") && result.ContainsKey("protocolVersion") && result.ContainsKey("capabilities"))
            {
                AddCapability(result);
            }
            else if (result["tools"] is JsonArray tools && tools.All(tool => tool is JsonObject t && t.ContainsKey("name") && t.ContainsKey("inputSchema")))
            {
                AddTaskSupport(context.Server.ServerOptions, tools);
            }
        }

        await next(context, cancellationToken);
    };

    private static bool IsExtensionGeneration(string? version) =>
        version is not null && string.CompareOrdinal(version, TaskProtocol.ExtensionProtocolVersion) >= 0;

    private static void AddCapability(JsonObject result)
    {
        // Only a 2025-11-25 session has an initialize; SEP-2663 is declared in capabilities.extensions instead.
        if (result["capabilities"] is JsonObject capabilities)
        {
            capabilities["tasks"] = new JsonObject
            {
                ["list"] = new JsonObject(),
                ["cancel"] = new JsonObject(),
                ["requests"] = new JsonObject { ["tools"] = new JsonObject { ["call"] = new JsonObject() } },
            };
        }
    }

    private void AddTaskSupport(McpServerOptions options, JsonArray tools)
    {
        foreach (var tool in tools.OfType<JsonObject>())
        {
            var support = policy.SupportOf(options, tool["name"]?.GetValue<string>());
            if (support != McpTaskSupport.Forbidden)
            {
                var execution = tool["execution"] as JsonObject ?? new JsonObject();
                execution["taskSupport"] = TaskPolicy.WireValue(support);
                tool["execution"] = execution;
            }
        }
    }
}
