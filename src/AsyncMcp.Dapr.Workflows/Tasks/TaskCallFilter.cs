using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Diagnostics;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// The <c>tools/call</c> filter that turns a call into a task: for a 2025-11-25 request that carries <c>params.task</c>,
/// and for a 2026-07-28 request that declares the tasks extension, when the tool allows it. The task's workflow is
/// scheduled (and stored by the sidecar) before the <c>CreateTaskResult</c> is returned.
/// </summary>
internal sealed class TaskCallFilter(
    TaskPolicy policy,
    WorkflowTaskStore store,
    TaskIds ids,
    TaskExecutions executions,
    TaskClientRoute route,
    IOptions<DaprTasksOptions> options,
    TimeProvider time)
{
    public async ValueTask<ResultOrAlternate<CallToolResult>> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, ResultOrAlternate<CallToolResult>> next,
        CancellationToken cancellationToken)
    {
        var request = context.JsonRpcRequest;
        if (request.Context?.Items?.ContainsKey(ToolTaskRunner.RunItemKey) == true ||
            context.MatchedPrimitive is not McpServerTool tool)
        {
            // The task's own run, or a tool the server does not have (the SDK answers that).
            return await next(context, cancellationToken);
        }

        var support = policy.SupportOf(tool);
        var generation = TaskProtocol.GenerationOf(request, context.Server.NegotiatedProtocolVersion);
        long ttlMs;
        if (generation == TaskGeneration.Experimental)
        {
            var task = (request.Params as JsonObject)?["task"];
            if (task is null)
            {
                if (support == McpTaskSupport.Required)
                {
                    throw new McpProtocolException($"Tool '{tool.ProtocolTool.Name}' must be called as a task (its execution.taskSupport is \"required\"): add params.task.", McpErrorCode.MethodNotFound);
                }

                return await next(context, cancellationToken);
            }

            if (support == McpTaskSupport.Forbidden)
            {
                throw new McpProtocolException($"Tool '{tool.ProtocolTool.Name}' cannot be called as a task (its execution.taskSupport is \"forbidden\"): call it without params.task.", McpErrorCode.MethodNotFound);
            }

            ttlMs = RequestedTtl(task);
        }
        else
        {
            if (support == McpTaskSupport.Forbidden)
            {
                return await next(context, cancellationToken);
            }

            if (!TaskProtocol.DeclaresExtension(request))
            {
                if (support == McpTaskSupport.Required)
                {
                    throw new McpProtocolException($"Missing required client capability: tool '{tool.ProtocolTool.Name}' runs only as a task; declare the '{TaskProtocol.ExtensionId}' extension in the request's client capabilities.", McpErrorCode.MissingRequiredClientCapability);
                }

                return await next(context, cancellationToken);
            }

            ttlMs = (long)options.Value.DefaultTimeToLive.TotalMilliseconds;
        }

        var owner = TaskOwner.Of(request, context.Server.SessionId);
        var webhook = await route.CompletionWebhookOf(request.Params, cancellationToken);
        var replyPath = MessageIds.ReplyPathOf(request);
        var input = new TaskInput(
            ids.Create(owner, McpDaprTelemetry.MessageIdOf(request)),
            owner,
            generation,
            context.Server.NegotiatedProtocolVersion ?? request.Context?.ProtocolVersion,
            CallParams(request.Params),
            generation == TaskGeneration.Experimental ? Serialize(context.Server.ClientCapabilities) : null,
            generation == TaskGeneration.Experimental ? Serialize(context.Server.ClientInfo) : null,
            TaskPolicy.IsIdempotent(tool),
            time.GetUtcNow(),
            ttlMs,
            (long)options.Value.PollInterval.TotalMilliseconds,
            replyPath?.ReplyTo,
            replyPath?.SessionId,
            replyPath?.Connection,
            webhook);
        executions.Attach(input.TaskId, context.Server);
        var view = await store.CreateAsync(input, cancellationToken);
        if (generation == TaskGeneration.Experimental)
        {
            return ResultOrAlternate<CallToolResult>.FromAlternate(
                new ExperimentalCreateTaskResult { Task = view.ToExperimental() },
                TasksJsonContext.Default.ExperimentalCreateTaskResult);
        }

        return ResultOrAlternate<CallToolResult>.FromAlternate(
            new ExtensionCreateTaskResult
            {
                ResultType = "task",
                TaskId = view.TaskId,
                Status = view.Status,
                StatusMessage = view.StatusMessage,
                CreatedAt = TaskJson.Timestamp(view.Input.CreatedAt),
                LastUpdatedAt = TaskJson.Timestamp(view.LastUpdatedAt),
                TtlMs = view.Input.TtlMs,
                PollIntervalMs = view.Input.PollIntervalMs,
            },
            TasksJsonContext.Default.ExtensionCreateTaskResult);
    }

    /// <summary>The TTL of a 2025-11-25 <c>params.task</c>, shortened to the server's maximum.</summary>
    private long RequestedTtl(JsonNode task)
    {
        if (task is not JsonObject fields)
        {
            throw new McpProtocolException("Invalid params.task: it must be an object such as {\"ttl\": 60000}.", McpErrorCode.InvalidParams);
        }

        var max = (long)options.Value.MaxTimeToLive.TotalMilliseconds;
        switch (fields["ttl"])
        {
            case null:
                return (long)options.Value.DefaultTimeToLive.TotalMilliseconds;
            case JsonValue value when value.TryGetValue<double>(out var ttl) && double.IsFinite(ttl):
                if (ttl < 0)
                {
                    throw new McpProtocolException($"Invalid params.task.ttl: {ttl} is negative; give a duration in milliseconds.", McpErrorCode.InvalidParams);
                }

                return ttl >= max ? max : (long)ttl;
            default:
                throw new McpProtocolException("Invalid params.task.ttl: it must be a number of milliseconds.", McpErrorCode.InvalidParams);
        }
    }

    /// <summary>The params of the call as the tool will see them: without <c>task</c>.</summary>
    private static JsonElement CallParams(JsonNode? parameters)
    {
        var copy = parameters?.DeepClone() as JsonObject ?? new JsonObject();
        copy.Remove("task");
        return TaskJson.ToElement(copy);
    }

    private static JsonElement? Serialize<T>(T? value) where T : class =>
        value is null ? null : JsonSerializer.SerializeToElement(value, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T)));
}
