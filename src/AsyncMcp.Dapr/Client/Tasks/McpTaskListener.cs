using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Client.Tasks;

/// <summary>
/// An open <c>subscriptions/listen</c> stream for task status (SEP-2663, 2026-07-28): the server sends
/// <c>notifications/tasks</c> for each task it granted whenever the task's status changes (and its status when the
/// stream starts). Dispose it to close the stream. Created by <see cref="McpClientTaskExtensions.ListenToTasksAsync"/>.
/// </summary>
public sealed class McpTaskListener : IAsyncDisposable
{
    private const string SubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<IReadOnlyList<string>> _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _id = "tasks-listen-" + Guid.NewGuid().ToString("N");
    private readonly List<IAsyncDisposable> _handlers = [];
    private Task? _listening;

    internal McpTaskListener()
    {
    }

    /// <summary>The tasks the server agreed to send notifications for: the caller's own, live, 2026-07-28 tasks of those asked.</summary>
    public IReadOnlyList<string> TaskIds { get; private set; } = [];

    internal async Task StartAsync(McpClient client, JsonObject parameters, Func<McpTaskInfo, CancellationToken, ValueTask> onStatus, CancellationToken cancellationToken)
    {
        _handlers.Add(client.RegisterNotificationHandler("notifications/subscriptions/acknowledged", (notification, _) =>
        {
            if (IsOurs(notification))
            {
                var ids = notification.Params?["notifications"]?["taskIds"] as JsonArray ?? [];
                _acknowledged.TrySetResult([.. ids.Select(id => id!.GetValue<string>())]);
            }

            return ValueTask.CompletedTask;
        }));
        _handlers.Add(client.RegisterNotificationHandler("notifications/tasks", (notification, token) =>
            IsOurs(notification) && notification.Params is JsonObject task ? onStatus(McpTaskInfo.Parse(task), token) : ValueTask.CompletedTask));

        var request = new JsonRpcRequest { Id = new RequestId(_id), Method = "subscriptions/listen", Params = parameters };
        _listening = ListenAsync(client, request);
        using var registration = cancellationToken.Register(() => _acknowledged.TrySetCanceled(cancellationToken));
        TaskIds = await _acknowledged.Task;
    }

    private async Task ListenAsync(McpClient client, JsonRpcRequest request)
    {
        try
        {
            await client.SendRequestAsync(request, _stop.Token);
            _acknowledged.TrySetException(new McpProtocolException("The server ended subscriptions/listen without acknowledging it.", McpErrorCode.InternalError));
        }
        catch (Exception ex)
        {
            // A refusal (for example -32021 without the extension) before the acknowledgement is the caller's answer.
            _acknowledged.TrySetException(ex);
        }
    }

    private bool IsOurs(JsonRpcNotification notification) =>
        notification.Params?["_meta"]?[SubscriptionIdKey] is JsonValue id && id.GetValueKind() == JsonValueKind.String && id.GetValue<string>() == _id;

    /// <summary>Closes the stream.</summary>
    /// <returns>A task that completes when the stream is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_listening is not null)
        {
            await _listening;
        }

        foreach (var handler in _handlers)
        {
            await handler.DisposeAsync();
        }

        _stop.Dispose();
    }
}
