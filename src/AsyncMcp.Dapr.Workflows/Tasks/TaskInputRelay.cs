using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Server;
using AsyncMcp.Dapr.Wire;
using Dapr.Client;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Carries a 2025-11-25 task's requests to its client (elicitation, sampling, roots) and the client's answers back to
/// the replica whose tool waits for them. The request goes straight to the session's reply address with an id that
/// names the task (<c>mcptask-&lt;taskId&gt;-&lt;random&gt;</c>); the answer comes back, like any message of the session, to
/// whichever replica pub/sub delivers it to, which takes it before any session host (it is no session's request).
/// That replica hands it over in memory when the tool waits there, else writes it into the task's record of pending
/// requests in the state store, which the waiting run reads with a bounded backoff.
/// </summary>
internal sealed class TaskInputRelay(
    DaprClient dapr,
    IDaprWorkflowClient workflows,
    TaskClientRoute route,
    IOptions<DaprTasksOptions> options,
    TimeProvider time,
    ILogger<TaskInputRelay> logger,
    // Absent when the app serves MCP over Streamable HTTP only: then no answer comes this way to be counted.
    McpDaprMetrics? metrics = null) : IUnsolicitedResponseHandler
{
    /// <summary>The prefix of the id of every request a task sends its client.</summary>
    public const string RequestIdPrefix = "mcptask-";

    private const string KeyPrefix = "mcp-task-input-";
    private const int SaveAttempts = 5;
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(25);

    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonRpcMessage>> _waiting = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends <paramref name="request"/> (already tagged with the task) to the task's client at
    /// <paramref name="address"/> and waits for its answer, a response or an error, whatever replica receives it.
    /// </summary>
    /// <exception cref="OperationCanceledException">The task was cancelled or ended meanwhile; the client is told.</exception>
    public async Task<JsonRpcMessage> AskAsync(TaskInput input, ReplyAddress address, JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var id = RequestIdPrefix + input.TaskId + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var answered = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answered;
        try
        {
            // Recorded before it is sent, so that an answer arriving at once anywhere finds the request awaited.
            await UpdateAsync(input.TaskId, input.Owner, pending => pending[id] = null, cancellationToken);
            await route.SendAsync(input, address, new JsonRpcRequest { Id = new RequestId(id), Method = request.Method, Params = request.Params }, cancellationToken);
            return await WaitAsync(input.TaskId, id, answered.Task, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client may still be asking its user: tell it the question no longer stands.
            var cancelled = new JsonRpcNotification
            {
                Method = NotificationMethods.CancelledNotification,
                Params = JsonSerializer.SerializeToNode(
                    new CancelledNotificationParams { RequestId = new RequestId(id), Reason = "The task ended or was cancelled." },
                    McpJsonUtilities.DefaultOptions),
            };
            await route.NotifyAsync(input, cancelled, CancellationToken.None);
            throw;
        }
        finally
        {
            _waiting.TryRemove(id, out _);
            try
            {
                await UpdateAsync(input.TaskId, input.Owner, pending => pending.Remove(id), CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The record goes when the task is purged.
                Log.CleanupFailed(logger, input.TaskId, id, ex.Message);
            }
        }
    }

    /// <inheritdoc />
    public async Task<DeliveryStatus?> TryHandleAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Message is not JsonRpcMessageWithId { Id.Id: string id } message || !TryParseTaskId(id, out var taskId))
        {
            return null;
        }

        try
        {
            return await HandAsync(envelope, message, id, taskId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The state store or the workflow engine could not be reached: the sidecar delivers the answer again.
            Log.HandOverFailed(logger, taskId, id, ex.Message);
            return DeliveryStatus.Retry;
        }
    }

    /// <summary>Forgets the task's pending requests (when the task is purged).</summary>
    public Task ForgetAsync(string taskId, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(options.Value.StateStoreName, KeyPrefix + taskId, cancellationToken: cancellationToken);

    /// <summary>The task id an id of <see cref="AskAsync"/> carries.</summary>
    public static bool TryParseTaskId(string requestId, out string taskId)
    {
        taskId = string.Empty;
        if (!requestId.StartsWith(RequestIdPrefix, StringComparison.Ordinal) || requestId.Length < RequestIdPrefix.Length + 33 ||
            requestId[RequestIdPrefix.Length + 32] != '-')
        {
            return false;
        }

        taskId = requestId.Substring(RequestIdPrefix.Length, 32);
        return TaskIds.IsWellFormed(taskId);
    }

    private async Task<DeliveryStatus> HandAsync(McpEnvelope envelope, JsonRpcMessageWithId message, string id, string taskId, CancellationToken cancellationToken)
    {
        var store = options.Value.StateStoreName;
        for (var attempt = 1; ; attempt++)
        {
            var (record, etag) = await dapr.GetStateAndETagAsync<TaskInputRecord?>(store, KeyPrefix + taskId, cancellationToken: cancellationToken);
            if (record is null || !record.Pending.TryGetValue(id, out var earlier))
            {
                return Dropped(envelope, taskId, id, "no run of the task waits for it (the task ended, or the request was answered already)");
            }

            if (record.Owner != TaskOwner.OfApp(envelope.Source))
            {
                // The same refusal as a session or a task used from another app.
                Log.ForeignAnswer(logger, taskId, id, envelope.Source, record.Owner);
                metrics?.Dropped(DropReasons.SessionForbidden, envelope.Topic);
                return DeliveryStatus.Success;
            }

            if (earlier is not null)
            {
                return Dropped(envelope, taskId, id, "it was answered already");
            }

            if (_waiting.TryGetValue(id, out var answered))
            {
                answered.TrySetResult(WithoutContext(message));
                Log.HandedOver(logger, taskId, id, "in this process");
                return DeliveryStatus.Success;
            }

            // The run waits on another replica (or its replica stopped, and the task may have ended with it).
            var state = await workflows.GetWorkflowStateAsync(TaskIds.InstanceOf(taskId), false, cancellationToken);
            if (state is null || !state.Exists || state.IsWorkflowCompleted)
            {
                await dapr.TryDeleteStateAsync(store, KeyPrefix + taskId, etag, cancellationToken: cancellationToken);
                return Dropped(envelope, taskId, id, "the task has ended");
            }

            record.Pending[id] = JsonSerializer.SerializeToElement(WithoutContext(message), McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage)));
            if (await dapr.TrySaveStateAsync(store, KeyPrefix + taskId, record, etag, cancellationToken: cancellationToken))
            {
                Log.HandedOver(logger, taskId, id, "through the state store");
                return DeliveryStatus.Success;
            }

            if (attempt >= SaveAttempts)
            {
                // Others keep writing the record (many requests of one task at once): try again with the redelivery.
                Log.HandOverFailed(logger, taskId, id, "the task's record kept changing");
                return DeliveryStatus.Retry;
            }
        }
    }

    private async Task<JsonRpcMessage> WaitAsync(string taskId, string id, Task<JsonRpcMessage> answered, CancellationToken cancellationToken)
    {
        // Answered here at once when the answer lands on this replica; else read back from the store, ever less often.
        var delay = FirstDelay < options.Value.PollInterval ? FirstDelay : options.Value.PollInterval;
        while (true)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pause = Task.Delay(delay, time, timer.Token);
            if (await Task.WhenAny(answered, pause) == answered)
            {
                await timer.CancelAsync();
                return await answered;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var (record, _) = await dapr.GetStateAndETagAsync<TaskInputRecord?>(options.Value.StateStoreName, KeyPrefix + taskId, cancellationToken: cancellationToken);
            if (record?.Pending.GetValueOrDefault(id) is { } stored &&
                stored.Deserialize(McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage))) is JsonRpcMessage message)
            {
                return message;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.PollInterval.Ticks));
        }
    }

    private async Task UpdateAsync(string taskId, string owner, Action<Dictionary<string, JsonElement?>> change, CancellationToken cancellationToken)
    {
        var updated = await StateKeyUpdater.TryUpdateAsync<TaskInputRecord?>(
            dapr,
            options.Value.StateStoreName,
            KeyPrefix + taskId,
            current =>
            {
                var record = current ?? new TaskInputRecord(owner, new Dictionary<string, JsonElement?>(StringComparer.Ordinal));
                change(record.Pending);

                // No request awaited: the record goes rather than staying empty.
                return record.Pending.Count == 0 ? StateChange<TaskInputRecord?>.Delete : StateChange<TaskInputRecord?>.Save(record);
            },
            SaveAttempts * 4,
            cancellationToken);
        if (!updated)
        {
            throw new InvalidOperationException($"The pending requests of task '{taskId}' could not be updated: the record kept changing.");
        }
    }

    private DeliveryStatus Dropped(McpEnvelope envelope, string taskId, string id, string reason)
    {
        Log.AnswerDropped(logger, taskId, id, envelope.Source, reason);
        metrics?.Dropped(DropReasons.TaskEnded, envelope.Topic);
        return DeliveryStatus.Success;
    }

    // The private server of the run gets a fresh message: the delivered one carries this endpoint's context.
    private static JsonRpcMessageWithId WithoutContext(JsonRpcMessageWithId message) => message switch
    {
        JsonRpcResponse response => new JsonRpcResponse { Id = response.Id, Result = response.Result },
        JsonRpcError error => new JsonRpcError { Id = error.Id, Error = error.Error },
        _ => message,
    };
}

/// <summary>The requests a task's runs wait for the client to answer, and the answers not yet taken, by request id.</summary>
/// <param name="Owner">The task's owner (<see cref="TaskOwner"/>): only its app may answer.</param>
/// <param name="Pending">Each awaited request's answer (a JSON-RPC response or error), <see langword="null"/> until it comes.</param>
internal sealed record TaskInputRecord(string Owner, Dictionary<string, JsonElement?> Pending);
