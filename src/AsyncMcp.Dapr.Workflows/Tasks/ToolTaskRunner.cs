using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Runs a task's tool as the MCP server would run a plain call: in a private <see cref="McpServer"/> built from the
/// app's own server options (its tools, filters and services), fed the client's handshake and the original
/// <c>tools/call</c>. What the tool sends meanwhile (progress, log messages, elicitation and sampling) is passed to the
/// client, tagged with the task, from whichever replica runs it.
/// </summary>
internal sealed class ToolTaskRunner(
    IOptions<McpServerOptions> serverOptions,
    IOptions<DaprTasksOptions> taskOptions,
    TaskExecutions executions,
    TaskClientRoute route,
    TaskInputRelay relay,
    IDaprWorkflowClient workflows,
    ILoggerFactory loggerFactory,
    IServiceProvider services)
{
    /// <summary>Marks the <c>tools/call</c> of a task's run, so that the task filter lets it through to the tool.</summary>
    public const string RunItemKey = "asyncmcp.dapr.task-run";

    public async Task<TaskOutcome> RunAsync(TaskInput input, CancellationToken cancellationToken)
    {
        TaskRunTransport? transport = null;
        transport = new TaskRunTransport((message, token) => OnServerMessageAsync(input, transport!, message, token, cancellationToken), loggerFactory);
        transport.Open();
        var server = McpServer.Create(transport, serverOptions.Value, loggerFactory, services);
        var running = server.RunAsync(cancellationToken);
        try
        {
            if (input.Generation == TaskGeneration.Experimental)
            {
                var handshake = await transport.RequestAsync(Initialize(input), cancellationToken);
                if (handshake is JsonRpcError { Error: var refused })
                {
                    return Failed(input, refused.Code, $"The tool's server refused the session: {refused.Message}");
                }

                await transport.DeliverAsync(new JsonRpcNotification { Method = NotificationMethods.InitializedNotification }, cancellationToken);
            }

            var answer = await transport.RequestAsync(Call(input, "task-call", JsonNode.Parse(input.Params.GetRawText())), cancellationToken);

            // 2026-07-28: a tool that needs the client (elicitation, sampling) answers input_required (MRTR); the task
            // parks in input_required with those requests until tasks/update brings every answer, then the call resumes.
            for (var round = 1; input.Generation == TaskGeneration.Extension && InputRequiredOf(answer) is { } asked; round++)
            {
                var answers = await WaitForAnswersAsync(input, asked, cancellationToken);
                var retry = JsonNode.Parse(input.Params.GetRawText())!.AsObject();
                retry["inputResponses"] = TaskJson.ToNode(answers);
                if (asked["requestState"] is { } requestState)
                {
                    retry["requestState"] = requestState.DeepClone();
                }

                answer = await transport.RequestAsync(Call(input, $"task-call-{round}", retry), cancellationToken);
            }

            return OutcomeOf(input, answer);
        }
        finally
        {
            await transport.DisposeAsync();
            await server.DisposeAsync();
            try
            {
                await running;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private static JsonRpcRequest Call(TaskInput input, string id, JsonNode? parameters) => new()
    {
        Id = new RequestId(id),
        Method = RequestMethods.ToolsCall,
        Params = parameters,
        Context = new JsonRpcMessageContext
        {
            ProtocolVersion = input.Generation == TaskGeneration.Extension ? input.ProtocolVersion : null,
            Items = new Dictionary<string, object?>(StringComparer.Ordinal) { [RunItemKey] = input.TaskId },
        },
    };

    private static JsonObject? InputRequiredOf(JsonRpcMessage answer) =>
        answer is JsonRpcResponse { Result: JsonObject result } &&
        result["resultType"] is JsonValue kind && kind.TryGetValue<string>(out var type) && type == "input_required" &&
        result["inputRequests"] is JsonObject
            ? result
            : null;

    /// <summary>Shows the requests on the task (input_required), then waits until the workflow holds an answer to each.</summary>
    private async Task<JsonElement> WaitForAnswersAsync(TaskInput input, JsonObject asked, CancellationToken cancellationToken)
    {
        var instanceId = TaskIds.InstanceOf(input.TaskId);
        var requests = TaskJson.ToElement(asked["inputRequests"]!.DeepClone());
        var methods = string.Join(", ", asked["inputRequests"]!.AsObject().Select(request => request.Value?["method"]?.ToString()).Distinct());
        await workflows.RaiseEventAsync(
            instanceId, McpToolTaskWorkflow.StatusEvent,
            new TaskStatusEvent(McpTaskStatus.InputRequired, $"Waiting for the client to answer: {methods}.", requests), cancellationToken);
        while (true)
        {
            await Task.Delay(taskOptions.Value.PollInterval, cancellationToken);
            var progress = (await workflows.GetWorkflowStateAsync(instanceId, true, cancellationToken))?.ReadCustomStatusAs<TaskProgress>();

            // The same requests as raised (not a previous round's) and every one answered.
            if (progress is { Status: McpTaskStatus.InputRequired, InputRequests: { } shown, InputResponses: { } answers } &&
                shown.GetRawText() == requests.GetRawText() && TaskJson.AllAnswered(shown, answers))
            {
                await workflows.RaiseEventAsync(instanceId, McpToolTaskWorkflow.StatusEvent, new TaskStatusEvent(McpTaskStatus.Working, null), cancellationToken);
                return answers;
            }
        }
    }

    /// <summary>The outcome of the tool's answer, as each generation defines it.</summary>
    public static TaskOutcome OutcomeOf(TaskInput input, JsonRpcMessage answer)
    {
        if (answer is JsonRpcError { Error: var error })
        {
            var node = TaskProtocol.Error(error.Code, error.Message);
            if (error.Data is { } data)
            {
                node["data"] = JsonSerializer.SerializeToNode(data, McpJsonUtilities.DefaultOptions);
            }

            return new TaskOutcome(McpTaskStatus.Failed, error.Message, null, TaskJson.ToElement(node), default);
        }

        var result = ((JsonRpcResponse)answer).Result ?? new JsonObject();
        if (result is JsonObject { } body && body["resultType"] is JsonValue kind && kind.TryGetValue<string>(out var resultType) &&
            resultType is not "complete")
        {
            return Failed(input, McpErrorCode.InternalError, $"The tool answered with a '{resultType}' result, which a task cannot hold.");
        }

        var isError = result["isError"] is JsonValue flag && flag.TryGetValue<bool>(out var set) && set;
        var element = TaskJson.ToElement(result);
        if (!isError)
        {
            return new TaskOutcome(McpTaskStatus.Completed, null, element, null, default);
        }

        // 2025-11-25: a tool result with isError is a failed task; SEP-2663: it is a completed one (failed is for JSON-RPC errors).
        var text = result["content"] is JsonArray content
            ? string.Join(" ", content.OfType<JsonObject>().Select(block => block["text"]?.GetValue<string>()).Where(t => t is not null))
            : null;
        return input.Generation == TaskGeneration.Experimental
            ? new TaskOutcome(McpTaskStatus.Failed, string.IsNullOrEmpty(text) ? "The tool reported an error." : text, element, null, default)
            : new TaskOutcome(McpTaskStatus.Completed, null, element, null, default);
    }

    public static TaskOutcome Failed(TaskInput input, McpErrorCode code, string message) => Failed(input, (int)code, message);

    public static TaskOutcome Failed(TaskInput input, int code, string message) =>
        new(McpTaskStatus.Failed, message, null, TaskJson.ErrorElement(code, message), default);

    private static JsonRpcRequest Initialize(TaskInput input)
    {
        var parameters = new JsonObject
        {
            ["protocolVersion"] = input.ProtocolVersion ?? "2025-11-25",
            ["capabilities"] = TaskJson.ToNode(input.ClientCapabilities) ?? new JsonObject(),
            ["clientInfo"] = TaskJson.ToNode(input.ClientInfo) ?? new JsonObject { ["name"] = "mcp-task", ["version"] = "1.0.0" },
        };
        return new JsonRpcRequest { Id = new RequestId("task-initialize"), Method = RequestMethods.Initialize, Params = parameters };
    }

    private async Task OnServerMessageAsync(
        TaskInput input, TaskRunTransport transport, JsonRpcMessage message, CancellationToken cancellationToken, CancellationToken run)
    {
        var client = executions.ClientOf(input.TaskId);
        switch (message)
        {
            case JsonRpcNotification notification:
                // A fresh message: the private server's one carries its transport's context.
                var tagged = new JsonRpcNotification { Method = notification.Method, Params = Tag(notification.Params, input.TaskId) };
                await route.NotifyAsync(input, tagged, cancellationToken);
                return;
            case JsonRpcRequest request:
                // The run's token too: a cancelled or ended task ends the wait for the client's answer.
                using (var asking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, run))
                {
                    await transport.DeliverAsync(await AskClientAsync(input, client, request, asking.Token), cancellationToken);
                }

                return;
        }
    }

    /// <summary>
    /// A request of the tool to the client (elicitation, sampling, roots): the task shows input_required while the
    /// client answers it, then working again. Over Dapr the request goes to the session's reply address and its answer
    /// comes back through <see cref="TaskInputRelay"/> on any replica; over Streamable HTTP only the session in this
    /// process can be asked.
    /// </summary>
    private async Task<JsonRpcMessage> AskClientAsync(TaskInput input, McpServer? client, JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var address = route.ReplyAddressOf(input);
        if ((client is null && address is null) || input.Generation != TaskGeneration.Experimental)
        {
            return new JsonRpcError
            {
                Id = request.Id,
                Error = new JsonRpcErrorDetail
                {
                    Code = (int)McpErrorCode.InternalError,
                    Message = $"The task cannot send '{request.Method}' to its client: the client's session is not reachable from the replica running the task.",
                },
            };
        }

        var instanceId = TaskIds.InstanceOf(input.TaskId);
        await workflows.RaiseEventAsync(instanceId, McpToolTaskWorkflow.StatusEvent, new TaskStatusEvent(McpTaskStatus.InputRequired, $"Waiting for the client to answer '{request.Method}'."), cancellationToken);
        try
        {
            var forwarded = new JsonRpcRequest { Method = request.Method, Params = Tag(request.Params, input.TaskId) };
            if (address is not null)
            {
                return await relay.AskAsync(input, address, forwarded, cancellationToken) switch
                {
                    JsonRpcError error => new JsonRpcError { Id = request.Id, Error = error.Error },
                    var answer => new JsonRpcResponse { Id = request.Id, Result = ((JsonRpcResponse)answer).Result },
                };
            }

            var response = await client!.SendRequestAsync(forwarded, cancellationToken);
            return new JsonRpcResponse { Id = request.Id, Result = response.Result };
        }
        catch (McpProtocolException ex)
        {
            return new JsonRpcError { Id = request.Id, Error = new JsonRpcErrorDetail { Code = (int)ex.ErrorCode, Message = ex.Message } };
        }
        finally
        {
            await workflows.RaiseEventAsync(instanceId, McpToolTaskWorkflow.StatusEvent, new TaskStatusEvent(McpTaskStatus.Working, null), CancellationToken.None);
        }
    }

    /// <summary>Adds <c>_meta["io.modelcontextprotocol/related-task"]</c> to a message's params.</summary>
    public static JsonNode Tag(JsonNode? parameters, string taskId)
    {
        var tagged = parameters as JsonObject ?? new JsonObject();
        var meta = tagged["_meta"] as JsonObject;
        if (meta is null)
        {
            meta = new JsonObject();
            tagged["_meta"] = meta;
        }

        meta[TaskProtocol.RelatedTaskKey] = TaskProtocol.RelatedTask(taskId);
        return tagged;
    }
}
