using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// The <c>tasks/*</c> methods of both generations. One handler per method name serves both, choosing the wire shape by
/// the request's protocol generation: 2025-11-25 has get, result, list and cancel; SEP-2663 has get, update and cancel.
/// </summary>
internal sealed class TaskMethodHandlers(WorkflowTaskStore store)
{
    public IEnumerable<McpServerRequestHandler> All() =>
    [
        new McpServerRequestHandler { Method = TaskProtocol.Get, RoutingNameParameter = "taskId", Handler = GetAsync },
        new McpServerRequestHandler { Method = TaskProtocol.Cancel, RoutingNameParameter = "taskId", Handler = CancelAsync },
        new McpServerRequestHandler { Method = TaskProtocol.Update, RoutingNameParameter = "taskId", Handler = UpdateAsync },
        new McpServerRequestHandler { Method = TaskProtocol.Result, Handler = ResultAsync },
        new McpServerRequestHandler { Method = TaskProtocol.List, Handler = ListAsync },
    ];

    private async ValueTask<JsonNode?> GetAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var (generation, owner) = Caller(context, TaskProtocol.Get);
        var view = await store.GetAsync(TaskIdOf(request), owner, cancellationToken);
        return generation == TaskGeneration.Experimental ? view.ToExperimental() : Complete(view.ToExtension(detailed: true));
    }

    private async ValueTask<JsonNode?> ResultAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var (_, owner) = Caller(context, TaskProtocol.Result, TaskGeneration.Experimental);
        var view = await store.WaitAsync(await store.GetAsync(TaskIdOf(request), owner, cancellationToken), cancellationToken);
        if (view.Result is { } result)
        {
            // What the tools/call would have returned, tied to its task.
            var body = TaskJson.ToNode(result)!.AsObject();
            var meta = body["_meta"] as JsonObject ?? new JsonObject();
            meta[TaskProtocol.RelatedTaskKey] = TaskProtocol.RelatedTask(view.TaskId);
            body["_meta"] = meta;
            return body;
        }

        if (view.Error is { } error)
        {
            var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var value) ? value : (int)McpErrorCode.InternalError;
            var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
            throw new McpProtocolException(message ?? view.StatusMessage ?? "The task failed.", (McpErrorCode)code);
        }

        throw new McpProtocolException($"Task '{view.TaskId}' was cancelled before it produced a result.", McpErrorCode.InternalError);
    }

    private async ValueTask<JsonNode?> ListAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var (_, owner) = Caller(context, TaskProtocol.List, TaskGeneration.Experimental);
        string? cursor = null;
        if ((request.Params as JsonObject)?["cursor"] is { } node)
        {
            cursor = node is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw new McpProtocolException("Invalid cursor: it must be a string.", McpErrorCode.InvalidParams);
        }

        var (tasks, next) = await store.ListAsync(owner, cursor, cancellationToken);
        var result = new JsonObject { ["tasks"] = new JsonArray([.. tasks.Select(task => (JsonNode)task.ToExperimental())]) };
        if (next is not null)
        {
            result["nextCursor"] = next;
        }

        return result;
    }

    private async ValueTask<JsonNode?> CancelAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var (generation, owner) = Caller(context, TaskProtocol.Cancel);
        var view = await store.GetAsync(TaskIdOf(request), owner, cancellationToken);
        if (generation == TaskGeneration.Extension)
        {
            // Cooperative: acknowledged at once, recorded by the workflow soon after.
            if (!view.IsTerminal)
            {
                await store.CancelAsync(view, waitForCancelled: false, cancellationToken);
            }

            return Complete(new JsonObject());
        }

        if (view.IsTerminal)
        {
            throw new McpProtocolException($"Cannot cancel task '{view.TaskId}': it is already {view.Status}.", McpErrorCode.InvalidParams);
        }

        return (await store.CancelAsync(view, waitForCancelled: true, cancellationToken)).ToExperimental();
    }

    private async ValueTask<JsonNode?> UpdateAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        var (_, owner) = Caller(context, TaskProtocol.Update, TaskGeneration.Extension);
        var view = await store.GetAsync(TaskIdOf(request), owner, cancellationToken);
        if ((request.Params as JsonObject)?["inputResponses"] is not JsonObject responses)
        {
            throw new McpProtocolException("Invalid inputResponses: tasks/update needs an object of answers keyed as the task's inputRequests.", McpErrorCode.InvalidParams);
        }

        // Eventually consistent, as SEP-2663 allows: the workflow records the answers to outstanding requests (and
        // ignores the rest), and the tool resumes once every outstanding request has its answer.
        await store.UpdateAsync(view, TaskJson.ToElement(responses), cancellationToken);
        return Complete(new JsonObject());
    }

    private static (TaskGeneration Generation, string Owner) Caller(RequestContext<JsonNode?> context, string method, TaskGeneration? only = null)
    {
        var request = context.JsonRpcRequest;
        var server = context.Server;
        var generation = TaskProtocol.GenerationOf(request, server.NegotiatedProtocolVersion);
        if (only is { } required && generation != required)
        {
            throw new McpProtocolException(
                $"Method not found: '{method}' belongs to the {(required == TaskGeneration.Experimental ? "2025-11-25 tasks" : "2026-07-28 tasks extension")}, not to this request's protocol version.",
                McpErrorCode.MethodNotFound);
        }

        if (generation == TaskGeneration.Extension && !TaskProtocol.DeclaresExtension(request))
        {
            throw new McpProtocolException(
                $"Missing required client capability: declare the '{TaskProtocol.ExtensionId}' extension in the request's client capabilities to use '{method}'.",
                McpErrorCode.MissingRequiredClientCapability);
        }

        return (generation, TaskOwner.Of(request, server.SessionId));
    }

    private static string? TaskIdOf(JsonRpcRequest request) =>
        (request.Params as JsonObject)?["taskId"] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var id) => id,
            _ => throw new McpProtocolException("Invalid taskId: it must be a string.", McpErrorCode.InvalidParams),
        };

    private static JsonObject Complete(JsonObject result)
    {
        result["resultType"] = "complete";
        return result;
    }
}
