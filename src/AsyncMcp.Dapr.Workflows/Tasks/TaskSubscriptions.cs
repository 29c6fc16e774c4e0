using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// <c>notifications/tasks</c> through <c>subscriptions/listen</c> (SEP-2663), beside the SDK's own listen handler, which
/// keeps the stream open and acknowledges it (and still serves the list-changed subscriptions). Message filters add
/// the task part: the incoming one checks <c>notifications.taskIds</c> (the extension declared, each task the caller's
/// own), the outgoing one names the granted tasks in the acknowledgement, then records the stream as a listener of each
/// task (where the notify activity finds it, on any replica) and sends each task's status now; when the listen request
/// ends (answered, cancelled, or its lane ended), the incoming filter removes its listeners.
/// </summary>
internal sealed class TaskSubscriptions(
    WorkflowTaskStore store,
    TaskListeners listeners,
    IOptions<DaprTasksOptions> options,
    ILogger<TaskSubscriptions> logger)
{
    public const string Listen = "subscriptions/listen";
    public const string Acknowledged = "notifications/subscriptions/acknowledged";
    public const string SubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";

    // The listen request being handled in this flow: the SDK sends the acknowledgement from the request's own handler,
    // and each message reaches the filters with a server object of its own, so the flow is what ties the two.
    private static readonly AsyncLocal<Grant?> Current = new();

    public McpMessageHandler Incoming(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: Listen } request &&
            (request.Params as JsonObject)?["notifications"] is JsonObject filter && filter.ContainsKey("taskIds") &&
            TaskProtocol.GenerationOf(request, context.Server.NegotiatedProtocolVersion) == TaskGeneration.Extension)
        {
            var asked = TaskIdsOf(filter["taskIds"]);
            if (!TaskProtocol.DeclaresExtension(request))
            {
                throw new MissingRequiredClientCapabilityException(
                    new ClientCapabilities { Extensions = new Dictionary<string, object> { [TaskProtocol.ExtensionId] = new JsonObject() } },
                    $"Missing required client capability: declare the '{TaskProtocol.ExtensionId}' extension in the request's client capabilities to listen to tasks.");
            }

            var granted = await GrantAsync(request, context.Server, asked, cancellationToken);
            if (ListenerOf(request) is { } listener)
            {
                var grant = new Grant(granted, listener);
                Current.Value = grant;
                try
                {
                    await next(context, cancellationToken);
                }
                finally
                {
                    // The listen request has ended (answered, cancelled or failed): its stream listens no more.
                    if (grant.Started)
                    {
                        await StopAsync(grant);
                    }
                }

                return;
            }
        }

        await next(context, cancellationToken);
    };

    public McpMessageHandler Outgoing(McpMessageHandler next) => async (context, cancellationToken) =>
    {
        if (context.JsonRpcMessage is JsonRpcNotification { Method: Acknowledged, Params: JsonObject ack } &&
            Current.Value is { Started: false } grant &&
            ack["_meta"]?[SubscriptionIdKey] is JsonValue id && id.ToJsonString() == grant.Listener.SubscriptionId.GetRawText())
        {
            var notifications = ack["notifications"] as JsonObject ?? new JsonObject();
            notifications["taskIds"] = new JsonArray([.. grant.TaskIds.Select(taskId => (JsonNode)taskId)]);
            ack["notifications"] = notifications;
            await next(context, cancellationToken);
            grant.Started = true;
            await StartAsync(context.Server, grant, cancellationToken);
            return;
        }

        await next(context, cancellationToken);
    };

    // The tasks of the filter that may be listened to: the caller's own, live, 2026-07-28 tasks. Others are left out of
    // the acknowledgement (as any filter the server does not honour), without saying whether they exist.
    private async Task<IReadOnlyList<string>> GrantAsync(JsonRpcRequest request, McpServer server, IReadOnlyList<string> asked, CancellationToken cancellationToken)
    {
        if (!options.Value.StatusNotifications || ListenerOf(request) is null)
        {
            return [];
        }

        var owner = TaskOwner.Of(request, server.SessionId);
        var granted = new List<string>();
        foreach (var taskId in asked.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var view = await store.GetAsync(taskId, owner, cancellationToken);
                if (view.Input.Generation == TaskGeneration.Extension)
                {
                    granted.Add(taskId);
                }
            }
            catch (McpProtocolException)
            {

                // Unknown, malformed, foreign or expired: not granted.
            }
        }

        return granted;
    }

    private async Task StartAsync(McpServer server, Grant grant, CancellationToken cancellationToken)
    {
        foreach (var taskId in grant.TaskIds)
        {
            try
            {
                // Listener first, then the status now: a change in between is sent twice rather than lost.
                await listeners.AddAsync(taskId, grant.Listener, cancellationToken);
                if (await store.FindAsync(taskId, cancellationToken) is { } view)
                {
                    await server.SendMessageAsync(view.ToListenNotification(grant.Listener.SubscriptionId), cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ListenFailed(logger, taskId, ex.Message);
            }
        }
    }

    private async Task StopAsync(Grant grant)
    {
        foreach (var taskId in grant.TaskIds)
        {
            try
            {
                await listeners.RemoveAsync(taskId, grant.Listener, CancellationToken.None);
            }
            catch (Exception ex)
            {
                Log.ListenFailed(logger, taskId, ex.Message);
            }
        }
    }

    // Only a stream with a reply address (Dapr pub/sub or webhook replies) can be reached from another replica.
    private static TaskListener? ListenerOf(JsonRpcRequest request) =>
        MessageIds.ReplyPathOf(request) is { ReplyTo: { } replyTo } path
            ? new TaskListener(IdElement(request.Id.Id), replyTo, path.SessionId, path.Connection)
            : null;

    private static IReadOnlyList<string> TaskIdsOf(JsonNode? node) =>
        node is JsonArray ids && ids.All(id => id is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            ? [.. ids.Select(id => id!.GetValue<string>())]
            : throw new McpProtocolException("Invalid notifications.taskIds: it must be an array of task ids (strings).", McpErrorCode.InvalidParams);

    private static JsonElement IdElement(object? id) => TaskJson.ToElement(id is long number ? JsonValue.Create(number) : JsonValue.Create(id?.ToString() ?? ""));

    private sealed class Grant(IReadOnlyList<string> taskIds, TaskListener listener)
    {
        public IReadOnlyList<string> TaskIds { get; } = taskIds;

        public TaskListener Listener { get; } = listener;

        /// <summary>Whether the acknowledgement went out and the stream was recorded as a listener.</summary>
        public bool Started { get; set; }
    }
}
