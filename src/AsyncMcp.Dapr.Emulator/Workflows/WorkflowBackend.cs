using System.Collections.Concurrent;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// The workflow backend of one app-id, as daprd's actors backend (dapr/dapr pkg/runtime/wfengine/backends/actors):
/// the workflow actors of its instances, their placement over the replicas with worker streams, the dispatch of work
/// items, the activity actors and the durable timers. Each instance takes one turn at a time; instances run
/// concurrently.
/// </summary>
internal sealed partial class WorkflowBackend
{
    private readonly DaprEmulator _emulator;
    private readonly WorkflowEngine _engine;
    private readonly ConcurrentDictionary<string, WorkflowActor> _actors = new(StringComparer.Ordinal);

    public WorkflowBackend(DaprEmulator emulator, WorkflowEngine engine, string appId)
    {
        _emulator = emulator;
        _engine = engine;
        AppId = appId;
        Placement = new WorkflowPlacement();
        Dispatcher = new WorkItemDispatcher(appId, Placement, emulator.Logger);
        Timers = new WorkflowTimers(emulator.Time, engine.Stopping);
        Placement.HostsPresenceChanged += present =>
        {
            if (!present)
            {
                // The actors deactivate with their last replica; the next one loads them from the store.
                foreach (var actor in _actors.Values)
                {
                    actor.Deactivate();
                }
            }
        };
    }

    public string AppId { get; }

    public WorkflowPlacement Placement { get; }

    public WorkItemDispatcher Dispatcher { get; }

    public WorkflowTimers Timers { get; }

    public ILogger Logger => _emulator.Logger;

    public TimeProvider Time => _emulator.Time;

    public CancellationToken Stopping => _engine.Stopping;

    /// <summary>The app's workflow state in its actor state store.</summary>
    /// <exception cref="RpcException">The app has no actor state store.</exception>
    public WorkflowStore Store => field ??= new WorkflowStore(
        _emulator.Actors.StateStoreFor(AppId) ?? throw WorkflowErrors.ActorRuntimeNotFound(), AppId);

    public bool HasActorStateStore => _emulator.Actors.StateStoreFor(AppId) is not null;

    public WorkflowActor Actor(string instanceId) => _actors.GetOrAdd(instanceId, id => new WorkflowActor(this, id));

    /// <summary>Serves one GetWorkItems stream until the worker or the sidecar goes (durabletask-go backend/executor.go GetWorkItems).</summary>
    public async Task ServeWorkItemsAsync(DaprSidecar sidecar, GetWorkItemsRequest request, IServerStreamWriter<WorkItem> writer, CancellationToken callCancelled)
    {
        if (!HasActorStateStore)
        {
            throw WorkflowErrors.StreamUnavailable(WorkflowErrors.ActorRuntimeNotFound().Status.Detail);
        }

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(callCancelled, sidecar.StoppingToken, Stopping);
        var stream = new WorkerStream(sidecar, request.Capabilities.Contains(WorkerCapability.StatefulHistory));
        Placement.Add(stream);
        Logger.WorkerConnected(AppId, stream.Id, stream.Host);
        try
        {
            await foreach (var item in stream.Outbox.Reader.ReadAllAsync(ended.Token).ConfigureAwait(false))
            {
                await writer.WriteAsync(item, ended.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException) when (ended.IsCancellationRequested)
        {
            // The response stream was torn down with the call.
        }
        finally
        {
            stream.Close();
            Placement.Remove(stream);
            Logger.WorkerDisconnected(AppId, stream.Id, stream.Host);
        }
    }

    /// <summary>Sets a committed turn's effects going: activities, timers and messages to other instances.</summary>
    public Task ApplyEffectsAsync(string instanceId, ulong generation, IReadOnlyList<TurnEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case TurnEffect.Activity activity:
                    _ = RunActivityAsync(instanceId, generation, activity.Scheduled);
                    break;
                case TurnEffect.Timer timer:
                    Timers.Schedule(timer.Fired.TimerFired.FireAt.ToDateTimeOffset(), () => FireTimerAsync(instanceId, generation, timer.Fired));
                    break;
                case TurnEffect.Message message:
                    _ = DeliverAsync(message);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The activity actor "{instance}::{taskId}" (pkg/actors/targets/workflow/activity): runs the activity on a worker of
    /// the replica it is placed on, again elsewhere if that replica goes first, then reports the result to the instance.
    /// </summary>
    private async Task RunActivityAsync(string instanceId, ulong generation, HistoryEvent scheduled)
    {
        var task = scheduled.TaskScheduled;
        var request = new ActivityRequest
        {
            Name = task.Name,
            Version = task.Version,
            Input = task.Input,
            WorkflowInstance = new WorkflowInstance { InstanceId = instanceId },
            TaskId = scheduled.EventId,
            TaskExecutionId = task.TaskExecutionId,
            ParentTraceContext = task.ParentTraceContext,
        };
        try
        {
            var actor = Actor(instanceId);
            if (actor.Read() is { } state)
            {
                request.WorkflowInstance.ExecutionId = state.ExecutionId;
            }

            var response = await Dispatcher.RunActivityAsync(WorkflowKeys.ActivityActorId(instanceId, scheduled.EventId), request, Stopping).ConfigureAwait(false);
            var result = new HistoryEvent { EventId = -1, Timestamp = Now() };
            if (response.FailureDetails is { } failure)
            {
                result.TaskFailed = new TaskFailedEvent { TaskScheduledId = scheduled.EventId, FailureDetails = failure, TaskExecutionId = task.TaskExecutionId };
            }
            else
            {
                result.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = scheduled.EventId, Result = response.Result, TaskExecutionId = task.TaskExecutionId };
            }

            if (actor.Read()?.Generation == generation)
            {
                await actor.AddEventAsync(result, Stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
        }
        catch (RpcException e)
        {
            // The instance was purged meanwhile: daprd's activity actor drops the result.
            Logger.WorkflowWarning(AppId, instanceId, $"activity {task.Name}#{scheduled.EventId} result dropped: {e.Status.Detail}");
        }
    }

    private async Task FireTimerAsync(string instanceId, ulong generation, HistoryEvent fired)
    {
        var actor = Actor(instanceId);
        if (actor.Read() is not { } state || state.Generation != generation || state.IsCompleted)
        {
            return;
        }

        var e = fired.Clone();
        e.Timestamp = Now();
        try
        {
            await actor.AddEventAsync(e, Stopping).ConfigureAwait(false);
        }
        catch (RpcException)
        {
        }
    }

    private async Task DeliverAsync(TurnEffect.Message message)
    {
        var target = message.TargetAppId == AppId ? this : _engine.For(message.TargetAppId);
        var actor = target.Actor(message.TargetInstanceId);
        try
        {
            if (message.Event.ExecutionStarted is not null)
            {
                await actor.CreateAsync(message.Event, Stopping).ConfigureAwait(false);
            }
            else
            {
                await actor.AddEventAsync(message.Event, Stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
        }
        catch (RpcException e)
        {
            Logger.WorkflowWarning(AppId, message.TargetInstanceId, $"{message.Event.EventTypeCase} not delivered: {e.Status.Detail}");
        }
    }

    private Timestamp Now() => Timestamp.FromDateTimeOffset(Time.GetUtcNow());
}
