using System.Collections.Concurrent;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Hands an app's work items to its worker streams and waits for their completions, as daprd's gRPC executor does
/// (dapr/durabletask-go backend/executor.go executeWorkflowAsync/executeActivityAsync): each dispatch carries a fresh
/// completion token that the completion must echo; a completion with an unknown or stale token is refused; when the
/// stream a work item went to ends before it completes, the item is dispatched again to the stream of the actor's
/// current replica (pending items of a closed stream are cancelled and retried, at-least-once).
/// </summary>
internal sealed class WorkItemDispatcher(string appId, WorkflowPlacement placement, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    public const string WorkflowKind = "workflow";
    public const string ActivityKind = "activity";

    public async Task<WorkflowResponse> RunWorkflowAsync(WorkflowRequest request, CancellationToken ct) =>
        (WorkflowResponse)await ExecuteAsync(WorkflowKind, request.InstanceId, request.InstanceId,
            (token, stream) => new WorkItem { WorkflowRequest = stream.ForWorker(request), CompletionToken = token }, ct).ConfigureAwait(false);

    public async Task<ActivityResponse> RunActivityAsync(string actorId, ActivityRequest request, CancellationToken ct) =>
        (ActivityResponse)await ExecuteAsync(ActivityKind, actorId, request.WorkflowInstance.InstanceId,
            (token, _) => new WorkItem { ActivityRequest = request, CompletionToken = token }, ct).ConfigureAwait(false);

    /// <summary>Delivers a worker's completion to the dispatch waiting for it.</summary>
    /// <exception cref="Grpc.Core.RpcException">No dispatch of this kind and instance waits for the token.</exception>
    public void Complete(string kind, string instanceId, string token, IMessage response)
    {
        if (string.IsNullOrEmpty(token) || !_pending.TryGetValue(token, out var pending) || pending.Kind != kind || pending.InstanceId != instanceId
            || !_pending.TryRemove(new KeyValuePair<string, Pending>(token, pending)))
        {
            logger.CompletionRefused(appId, kind, instanceId, token);
            throw WorkflowErrors.UnknownCompletion(token);
        }

        pending.Result.TrySetResult(response);
    }

    private async Task<IMessage> ExecuteAsync(string kind, string actorId, string instanceId, Func<string, WorkerStream, WorkItem> build, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            var (stream, changed) = placement.Pick(actorId);
            if (stream is null)
            {
                // No replica hosts the actor types: wait, as daprd's reminder keeps retrying, until one connects.
                await changed.WaitAsync(ct).ConfigureAwait(false);
                attempt--;
                continue;
            }

            var token = Guid.NewGuid().ToString();
            var pending = new Pending(kind, instanceId);
            _pending[token] = pending;
            try
            {
                if (!stream.Outbox.Writer.TryWrite(build(token, stream)))
                {
                    logger.WorkItemOutcome(appId, kind, actorId, stream.Id, attempt, "stream closed before sending; dispatching again");
                    continue;
                }

                await Task.WhenAny(pending.Result.Task, stream.Closed).WaitAsync(ct).ConfigureAwait(false);
                if (pending.Result.Task.IsCompleted)
                {
                    var response = await pending.Result.Task.ConfigureAwait(false);
                    logger.WorkItemOutcome(appId, kind, actorId, stream.Id, attempt, Describe(response));
                    return response;
                }

                logger.WorkItemOutcome(appId, kind, actorId, stream.Id, attempt, "worker stream closed before completion; dispatching again");
            }
            catch (OperationCanceledException)
            {
                logger.WorkItemOutcome(appId, kind, actorId, stream.Id, attempt, "abandoned");
                throw;
            }
            finally
            {
                _pending.TryRemove(new KeyValuePair<string, Pending>(token, pending));
            }
        }
    }

    private static string Describe(IMessage response) => response switch
    {
        ActivityResponse { FailureDetails: { } failure } => $"completed with failure {failure.ErrorType}: {failure.ErrorMessage}",
        WorkflowResponse workflow => $"completed with {workflow.Actions.Count} action(s)",
        _ => "completed",
    };

    private sealed class Pending(string kind, string instanceId)
    {
        public string Kind { get; } = kind;

        public string InstanceId { get; } = instanceId;

        public TaskCompletionSource<IMessage> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
