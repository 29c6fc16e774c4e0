using Dapr.DurableTask.Protobuf;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>The client operations of the backend (dapr/durabletask-go backend/executor.go; dapr/dapr pkg/runtime/wfengine/backends/actors/actors.go).</summary>
internal sealed partial class WorkflowBackend
{
    /// <summary>Creates an instance and, unless its start is scheduled later, waits until it has started (executor.go StartInstance).</summary>
    public async Task<string> StartAsync(CreateInstanceRequest request, CancellationToken ct)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        if (string.IsNullOrEmpty(request.Name))
        {
            throw WorkflowErrors.InvalidArgument("workflow name is required");
        }

        _ = Store;
        var started = new ExecutionStartedEvent
        {
            Name = request.Name,
            Version = request.Version,
            Input = request.Input,
            WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = request.ExecutionId ?? Guid.NewGuid().ToString() },
            ScheduledStartTimestamp = request.ScheduledStartTimestamp,
            ParentTraceContext = request.ParentTraceContext,
        };
        foreach (var tag in request.Tags)
        {
            started.Tags.Add(tag.Key, tag.Value);
        }

        await Actor(instanceId).CreateAsync(new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now(),
            ExecutionStarted = started,
            Router = new TaskRouter { SourceAppID = AppId },
        }, ct).ConfigureAwait(false);
        if (request.ScheduledStartTimestamp is null)
        {
            await WaitAsync(instanceId, s => s.Status != OrchestrationStatus.Pending, ct).ConfigureAwait(false);
        }

        return instanceId;
    }

    /// <summary>GetInstance: the metadata, or Exists = false for an unknown instance (executor.go GetInstance).</summary>
    public GetInstanceResponse Get(GetInstanceRequest request)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        return Response(instanceId, Actor(instanceId).Read(), request.GetInputsAndOutputs);
    }

    /// <summary>Waits until the instance meets <paramref name="condition"/> (executor.go waitForInstance).</summary>
    public async Task<GetInstanceResponse> WaitAsync(GetInstanceRequest request, Func<InstanceState, bool> condition, CancellationToken ct)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        var state = await WaitAsync(instanceId, condition, ct).ConfigureAwait(false);
        return Response(instanceId, state, request.GetInputsAndOutputs);
    }

    public async Task RaiseEventAsync(RaiseEventRequest request, CancellationToken ct)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        if (string.IsNullOrEmpty(request.Name))
        {
            throw WorkflowErrors.InvalidArgument("event name is required");
        }

        await AddAsync(instanceId, e => e.EventRaised = new EventRaisedEvent { Name = request.Name, Input = request.Input }, ct).ConfigureAwait(false);
    }

    /// <summary>Adds ExecutionTerminated and waits for the instance to complete (executor.go TerminateInstance).</summary>
    public async Task TerminateAsync(TerminateRequest request, CancellationToken ct)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        await AddAsync(instanceId, e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = request.Output, Recurse = request.Recursive }, ct).ConfigureAwait(false);
        await WaitAsync(instanceId, s => s.IsCompleted, ct).ConfigureAwait(false);
    }

    public async Task SuspendAsync(SuspendRequest request, CancellationToken ct)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        await AddAsync(instanceId, e => e.ExecutionSuspended = new ExecutionSuspendedEvent { Input = string.IsNullOrEmpty(request.Reason) ? null : request.Reason }, ct).ConfigureAwait(false);
        await WaitAsync(instanceId, s => s.Status == OrchestrationStatus.Suspended || s.IsCompleted, ct).ConfigureAwait(false);
    }

    public async Task ResumeAsync(ResumeRequest request, CancellationToken ct)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        await AddAsync(instanceId, e => e.ExecutionResumed = new ExecutionResumedEvent { Input = string.IsNullOrEmpty(request.Reason) ? null : request.Reason }, ct).ConfigureAwait(false);
        await WaitAsync(instanceId, s => s.Status == OrchestrationStatus.Running || s.IsCompleted, ct).ConfigureAwait(false);
    }

    /// <summary>Purges a completed instance and, when recursive, its children first (orchestrator/recursivepurge.go).</summary>
    public async Task<int> PurgeAsync(PurgeInstancesRequest request, CancellationToken ct)
    {
        if (request.RequestCase == PurgeInstancesRequest.RequestOneofCase.PurgeInstanceFilter)
        {
            throw WorkflowErrors.InvalidArgument("multi-instance purge is not implemented");
        }

        var instanceId = RequireInstanceId(request.InstanceId);
        _ = Store;
        return await PurgeAsync(instanceId, request.Recursive, ct).ConfigureAwait(false);
    }

    public GetInstanceHistoryResponse History(GetInstanceHistoryRequest request)
    {
        var instanceId = RequireInstanceId(request.InstanceId);
        var state = Actor(instanceId).Read() ?? throw WorkflowErrors.HistoryNotFound(instanceId);
        var response = new GetInstanceHistoryResponse();
        response.Events.AddRange(state.History);
        return response;
    }

    /// <summary>Pages through the instance ids in key order; the continuation token is the last id returned.</summary>
    public ListInstanceIDsResponse List(ListInstanceIDsRequest request)
    {
        var ids = Store.InstanceIds();
        var start = 0;
        if (!string.IsNullOrEmpty(request.ContinuationToken))
        {
            start = ids.Count(id => string.CompareOrdinal(id, request.ContinuationToken) <= 0);
        }

        var size = request.PageSize == 0 ? ids.Count : (int)Math.Min(request.PageSize, int.MaxValue);
        var page = ids.Skip(start).Take(size).ToList();
        var response = new ListInstanceIDsResponse();
        response.InstanceIds.AddRange(page);
        if (start + page.Count < ids.Count)
        {
            response.ContinuationToken = page[^1];
        }

        return response;
    }

    /// <summary>Forks a completed top-level instance from one of its events into a new instance (backends/actors RerunWorkflowFromEvent).</summary>
    public async Task<string> RerunAsync(RerunWorkflowFromEventRequest request, CancellationToken ct)
    {
        _ = Store;
        if (string.IsNullOrEmpty(request.SourceInstanceID))
        {
            throw WorkflowErrors.InvalidArgument("rerun workflow source instance ID is required");
        }

        var newId = request.HasNewInstanceID && request.NewInstanceID.Length > 0 ? request.NewInstanceID : Guid.NewGuid().ToString();
        if (newId == request.SourceInstanceID)
        {
            throw WorkflowErrors.InvalidArgument("rerun workflow instance ID must be different from the original instance ID");
        }

        RequireInstanceId(newId);
        var source = Actor(RequireInstanceId(request.SourceInstanceID)).Read()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"workflow instance does not exist with ID '{request.SourceInstanceID}'"));
        if (!source.IsCompleted)
        {
            throw WorkflowErrors.InvalidArgument($"'{request.SourceInstanceID}' is not in a terminal state");
        }

        if (source.Start?.ParentInstance is not null)
        {
            throw WorkflowErrors.InvalidArgument($"'{request.SourceInstanceID}': cannot rerun from child-workflows");
        }

        var (history, rerun) = RerunFork.Build(source.History, request, newId);
        var now = Now();
        foreach (var e in rerun)
        {
            e.Timestamp = now;
        }

        var actor = Actor(newId);
        await actor.CreateForkAsync(history, ct).ConfigureAwait(false);
        var start = InstanceState.FindStart(history)!;
        var effects = new List<TurnEffect>();
        foreach (var e in rerun)
        {
            effects.Add(e.EventTypeCase switch
            {
                HistoryEvent.EventTypeOneofCase.TaskScheduled => new TurnEffect.Activity(e),
                HistoryEvent.EventTypeOneofCase.TimerCreated => new TurnEffect.Timer(new HistoryEvent
                {
                    EventId = -1,
                    Timestamp = now,
                    TimerFired = new TimerFiredEvent { TimerId = e.EventId, FireAt = e.TimerCreated.FireAt },
                }),
                _ => new TurnEffect.Message(AppId, e.ChildWorkflowInstanceCreated.InstanceId, new HistoryEvent
                {
                    EventId = -1,
                    Timestamp = now,
                    ExecutionStarted = new ExecutionStartedEvent
                    {
                        Name = e.ChildWorkflowInstanceCreated.Name,
                        Input = e.ChildWorkflowInstanceCreated.Input,
                        ParentInstance = new ParentInstanceInfo
                        {
                            TaskScheduledId = e.EventId,
                            Name = start.Name,
                            WorkflowInstance = new WorkflowInstance { InstanceId = newId, ExecutionId = start.WorkflowInstance?.ExecutionId },
                            AppID = AppId,
                        },
                        WorkflowInstance = new WorkflowInstance { InstanceId = e.ChildWorkflowInstanceCreated.InstanceId, ExecutionId = Guid.NewGuid().ToString() },
                    },
                }),
            });
        }

        await ApplyEffectsAsync(newId, actor.Read()!.Generation, effects).ConfigureAwait(false);
        return newId;
    }

    private async Task<int> PurgeAsync(string instanceId, bool recursive, CancellationToken ct)
    {
        var actor = Actor(instanceId);
        var state = actor.Read() ?? throw WorkflowErrors.InstanceNotFound();
        if (!state.IsCompleted)
        {
            throw WorkflowErrors.PurgeNotCompleted();
        }

        var count = 0;
        if (recursive)
        {
            foreach (var child in EventDedup.Children(state.History).Distinct(StringComparer.Ordinal))
            {
                if (Actor(child).Read() is not null)
                {
                    count += await PurgeAsync(child, recursive: true, ct).ConfigureAwait(false);
                }
            }
        }

        await actor.PurgeAsync(ct).ConfigureAwait(false);
        return count + 1;
    }

    private async Task AddAsync(string instanceId, Action<HistoryEvent> set, CancellationToken ct)
    {
        _ = Store;
        var e = new HistoryEvent { EventId = -1, Timestamp = Now(), Router = new TaskRouter { SourceAppID = AppId } };
        set(e);
        await Actor(instanceId).AddEventAsync(e, ct).ConfigureAwait(false);
    }

    private async Task<InstanceState> WaitAsync(string instanceId, Func<InstanceState, bool> condition, CancellationToken ct)
    {
        var actor = Actor(instanceId);
        while (true)
        {
            var changed = actor.Changed;
            if (actor.Read() is { } state && condition(state))
            {
                return state;
            }

            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private static GetInstanceResponse Response(string instanceId, InstanceState? state, bool withInputsAndOutputs) =>
        state is null
            ? new GetInstanceResponse { Exists = false }
            : new GetInstanceResponse { Exists = true, WorkflowState = state.ToProto(instanceId, withInputsAndOutputs) };

    private static string RequireInstanceId(string instanceId)
    {
        if (string.IsNullOrEmpty(instanceId))
        {
            throw WorkflowErrors.InvalidArgument("instance ID is required");
        }

        if (instanceId.Contains("||", StringComparison.Ordinal))
        {
            throw WorkflowErrors.InvalidArgument($"instance ID '{instanceId}' can't contain '||'");
        }

        return instanceId;
    }
}
