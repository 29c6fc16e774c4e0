using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Client.Tasks;

/// <summary>
/// Calls tools as MCP tasks and follows them, in the protocol generation the client speaks: the experimental tasks of
/// 2025-11-25 (<c>params.task</c>, <c>tasks/result</c>, <c>tasks/list</c>) or the 2026-07-28 tasks extension
/// (<c>io.modelcontextprotocol/tasks</c>, declared on each request by these helpers). Works over any transport.
/// </summary>
public static class McpClientTaskExtensions
{
    private const string ExtensionId = "io.modelcontextprotocol/tasks";
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Calls a tool as a task. The result holds the task; a 2026-07-28 server may instead run the call at once, and then
    /// the result is a completed task with an empty id and the tool's result inline.
    /// </summary>
    /// <param name="client">A connected client.</param>
    /// <param name="toolName">The tool.</param>
    /// <param name="arguments">The tool's arguments.</param>
    /// <param name="timeToLive">How long the server should keep the task (2025-11-25 only; the server may shorten it).</param>
    /// <param name="progressToken">A progress token; progress notifications about the task carry it for the task's life.</param>
    /// <param name="completionWebhook">
    /// Where the server should announce the task's end by signed webhook (a reply binding and path, as for webhook
    /// replies), received with <c>MapMcpTaskWebhooks</c> and read from <see cref="McpTaskWebhooks"/>; none when null.
    /// </param>
    /// <param name="cancellationToken">Cancels the call (not the task).</param>
    /// <returns>The task the server created.</returns>
    public static async Task<McpTaskInfo> CallToolAsTaskAsync(
        this McpClient client,
        string toolName,
        IReadOnlyDictionary<string, object?>? arguments = null,
        TimeSpan? timeToLive = null,
        ProgressToken? progressToken = null,
        Wire.ReplyAddress? completionWebhook = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        var parameters = new JsonObject
        {
            ["name"] = toolName,
            ["arguments"] = arguments is null ? new JsonObject() : JsonSerializer.SerializeToNode(arguments, McpJsonUtilities.DefaultOptions),
        };
        if (progressToken is { } token)
        {
            Meta(parameters)["progressToken"] = JsonSerializer.SerializeToNode(token, McpJsonUtilities.DefaultOptions);
        }

        if (completionWebhook is not null)
        {
            Meta(parameters)[McpTaskWebhooks.MetaKey] = completionWebhook.ToString();
        }

        if (!IsExtension(client))
        {
            var task = new JsonObject();
            if (timeToLive is { } ttl)
            {
                task["ttl"] = (long)ttl.TotalMilliseconds;
            }

            parameters["task"] = task;
        }

        var result = await SendAsync(client, RequestMethods.ToolsCall, parameters, cancellationToken);
        if (result["task"] is JsonObject created)
        {
            return McpTaskInfo.Parse(created);
        }

        if (result["resultType"] is JsonValue kind && kind.TryGetValue<string>(out var type) && type == "task")
        {
            return McpTaskInfo.Parse(result);
        }

        return new McpTaskInfo { TaskId = string.Empty, Status = "completed", Result = result };
    }

    /// <summary>The task's status now (<c>tasks/get</c>); a 2026-07-28 server includes the result or error of an ended task.</summary>
    /// <param name="client">A connected client.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The task.</returns>
    public static async Task<McpTaskInfo> GetTaskAsync(this McpClient client, string taskId, CancellationToken cancellationToken = default) =>
        McpTaskInfo.Parse(await SendAsync(client, "tasks/get", new JsonObject { ["taskId"] = taskId }, cancellationToken));

    /// <summary>Polls the task, at the interval the server suggests, until it has ended.</summary>
    /// <param name="client">A connected client.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Stops waiting (the task goes on).</param>
    /// <returns>The ended task.</returns>
    public static async Task<McpTaskInfo> WaitForTaskAsync(this McpClient client, string taskId, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var task = await client.GetTaskAsync(taskId, cancellationToken);
            if (task.IsTerminal)
            {
                return task;
            }

            await Task.Delay(task.PollInterval ?? DefaultPoll, cancellationToken);
        }
    }

    /// <summary>
    /// The tool's result once the task has ended: <c>tasks/result</c> (2025-11-25, which the server holds until then), or
    /// polling <c>tasks/get</c> (2026-07-28). A task that ended in a JSON-RPC error throws it.
    /// </summary>
    /// <param name="client">A connected client.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Stops waiting (the task goes on).</param>
    /// <returns>The tool's result.</returns>
    /// <exception cref="McpProtocolException">The task failed with a JSON-RPC error, or was cancelled.</exception>
    public static async Task<CallToolResult> GetTaskResultAsync(this McpClient client, string taskId, CancellationToken cancellationToken = default)
    {
        JsonObject result;
        if (IsExtension(client))
        {
            var task = await client.WaitForTaskAsync(taskId, cancellationToken);
            if (task.Error is { } error)
            {
                var code = error["code"] is JsonValue c && c.TryGetValue<int>(out var value) ? value : (int)McpErrorCode.InternalError;
                throw new McpProtocolException(error["message"]?.GetValue<string>() ?? "The task failed.", (McpErrorCode)code);
            }

            result = task.Result ?? throw new McpProtocolException($"Task '{taskId}' ended {task.Status} without a result.", McpErrorCode.InternalError);
        }
        else
        {
            result = await SendAsync(client, "tasks/result", new JsonObject { ["taskId"] = taskId }, cancellationToken);
        }

        return result.Deserialize(McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult))) as CallToolResult
            ?? throw new McpProtocolException("The task's result is not a tool result.", McpErrorCode.InternalError);
    }

    /// <summary>
    /// Cancels the task (<c>tasks/cancel</c>). A 2025-11-25 server answers with the cancelled task; a 2026-07-28 server
    /// only acknowledges, and the task returned is then read with <c>tasks/get</c>.
    /// </summary>
    /// <param name="client">A connected client.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The task after the cancellation.</returns>
    public static async Task<McpTaskInfo> CancelTaskAsync(this McpClient client, string taskId, CancellationToken cancellationToken = default)
    {
        var result = await SendAsync(client, "tasks/cancel", new JsonObject { ["taskId"] = taskId }, cancellationToken);
        return result.ContainsKey("taskId") ? McpTaskInfo.Parse(result) : await client.GetTaskAsync(taskId, cancellationToken);
    }

    /// <summary>
    /// Answers the input requests of a task in <c>input_required</c> (<c>tasks/update</c>, 2026-07-28 tasks extension):
    /// <paramref name="inputResponses"/> maps each key of <see cref="McpTaskInfo.InputRequests"/> to its result (an
    /// <c>ElicitResult</c>, <c>CreateMessageResult</c> or <c>ListRootsResult</c>). The server acknowledges at once and
    /// resumes the task once every outstanding request has its answer; answers to other keys are ignored.
    /// </summary>
    /// <param name="client">A connected client.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="inputResponses">The answers, by request key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has acknowledged.</returns>
    public static async Task UpdateTaskAsync(this McpClient client, string taskId, JsonObject inputResponses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputResponses);
        _ = await SendAsync(client, "tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = inputResponses.DeepClone() }, cancellationToken);
    }

    /// <summary>One page of the caller's tasks (<c>tasks/list</c>, 2025-11-25 only).</summary>
    /// <param name="client">A connected client.</param>
    /// <param name="cursor">The <c>nextCursor</c> of the previous page, or <see langword="null"/> for the first.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The tasks and the cursor of the next page, if any.</returns>
    public static async Task<(IReadOnlyList<McpTaskInfo> Tasks, string? NextCursor)> ListTasksAsync(
        this McpClient client, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var parameters = new JsonObject();
        if (cursor is not null)
        {
            parameters["cursor"] = cursor;
        }

        var result = await SendAsync(client, "tasks/list", parameters, cancellationToken);
        var tasks = (result["tasks"] as JsonArray ?? []).OfType<JsonObject>().Select(McpTaskInfo.Parse).ToList();
        return (tasks, result["nextCursor"]?.GetValue<string>());
    }

    /// <summary>
    /// Opens a <c>subscriptions/listen</c> stream for the status of tasks (2026-07-28 tasks extension): from the
    /// acknowledgement on, <paramref name="onStatus"/> receives each granted task as the server pushes it
    /// (<c>notifications/tasks</c>, the task as <c>tasks/get</c> would return it), from whichever replica runs the task.
    /// Tasks that are unknown, ended and purged, or another app's are left out of <see cref="McpTaskListener.TaskIds"/>.
    /// </summary>
    /// <param name="client">A connected 2026-07-28 client.</param>
    /// <param name="taskIds">The tasks to listen to.</param>
    /// <param name="onStatus">Called for each status notification.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement.</param>
    /// <returns>The open stream; dispose it to close it.</returns>
    /// <exception cref="McpProtocolException">The server refused the stream.</exception>
    public static async Task<McpTaskListener> ListenToTasksAsync(
        this McpClient client, IEnumerable<string> taskIds, Func<McpTaskInfo, CancellationToken, ValueTask> onStatus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(taskIds);
        ArgumentNullException.ThrowIfNull(onStatus);
        var parameters = new JsonObject { ["notifications"] = new JsonObject { ["taskIds"] = new JsonArray([.. taskIds.Select(id => (JsonNode)id)]) } };
        DeclareExtension(parameters);
        var listener = new McpTaskListener();
        try
        {
            await listener.StartAsync(client, parameters, onStatus, cancellationToken);
            return listener;
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
    }

    private static bool IsExtension(McpClient client) =>
        client.NegotiatedProtocolVersion is { } version && string.CompareOrdinal(version, "2026-07-28") >= 0;

    private static async Task<JsonObject> SendAsync(McpClient client, string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = new JsonRpcRequest { Method = method, Params = parameters };
        if (IsExtension(client))
        {
            DeclareExtension(parameters);

            // SEP-2663: over Streamable HTTP, tasks/* carry the task id in the Mcp-Name header (the SDK writes RoutingName there).
            if (parameters["taskId"] is JsonValue taskId && taskId.TryGetValue<string>(out var id))
            {
#pragma warning disable MCPEXP002 // Experimental in SDK 2.4.0, and the only way to set Mcp-Name on a custom request.
                request.Context = new JsonRpcMessageContext { RoutingName = id };
#pragma warning restore MCPEXP002
            }
        }

        var response = await client.SendRequestAsync(request, cancellationToken);
        return response.Result as JsonObject ?? throw new McpProtocolException($"The server's answer to {method} is not an object.", McpErrorCode.InternalError);
    }

    // SEP-2663: the client declares the extension on every request, in its per-request capabilities.
    private static void DeclareExtension(JsonObject parameters)
    {
        var meta = Meta(parameters);
        var capabilities = meta["io.modelcontextprotocol/clientCapabilities"] as JsonObject ?? new JsonObject();
        var extensions = capabilities["extensions"] as JsonObject ?? new JsonObject();
        extensions[ExtensionId] ??= new JsonObject();
        capabilities["extensions"] = extensions;
        meta["io.modelcontextprotocol/clientCapabilities"] = capabilities;
    }

    private static JsonObject Meta(JsonObject parameters)
    {
        if (parameters["_meta"] is not JsonObject meta)
        {
            meta = new JsonObject();
            parameters["_meta"] = meta;
        }

        return meta;
    }
}
