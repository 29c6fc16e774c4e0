using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
    private static readonly ConditionalWeakTable<McpServer, ConcurrentDictionary<string, string>> Pending = [];

    public static McpMessageHandler Incoming(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest request)
        {
            if (request.Method is RequestMethods.Initialize ||
                (request.Method is RequestMethods.ToolsList &&
                    TaskProtocol.GenerationOf(request, context.Server.NegotiatedProtocolVersion) == TaskGeneration.Experimental))
            {
                Pending.GetOrCreateValue(context.Server)[request.Id.ToString()] = request.Method;
            }
        }

        await next(context, cancellationToken);
    };

    public McpMessageHandler Outgoing(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcResponse { Result: JsonObject result } response &&
            Pending.TryGetValue(context.Server, out var pending) &&
            pending.TryRemove(response.Id.ToString(), out var method))
        {
            if (method == RequestMethods.Initialize)
            {
                AddCapability(result);
            }
            else
            {
                AddTaskSupport(context.Server.ServerOptions, result);
            }
        }

        await next(context, cancellationToken);
    };

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

    private void AddTaskSupport(McpServerOptions options, JsonObject result)
    {
        if (result["tools"] is not JsonArray tools)
        {
            return;
        }

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
