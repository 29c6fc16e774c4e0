using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// The internal workflow actor of one instance (dapr/dapr pkg/actors/targets/workflow/orchestrator): one call at a
/// time (create, add event, purge, run a turn); an added event is saved in the inbox, then a turn hands the inbox to
/// the worker as new events after a WorkflowStarted event, applies the worker's actions and saves the new history,
/// custom status and emptied inbox in one transaction, then sets the effects going.
/// </summary>
internal sealed class WorkflowActor(WorkflowBackend backend, string instanceId)
{
    private const int MaxContinueAsNewPerTurn = 20;

    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private InstanceState? _state;
    private bool _loaded;
    private volatile InstanceState? _committed;
    private int _kicks;

    // One call at a time, as the actor lock of pkg/actors/targets/workflow (a property: it lives as long as the actor).
    private SemaphoreSlim Turn { get; } = new(1, 1);

    public string InstanceId { get; } = instanceId;

    /// <summary>Completes at the next committed change of the instance.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>The last committed state (a copy), or null when the instance has none.</summary>
    public InstanceState? Read() => _committed ?? backend.Store.Load(InstanceId);

    /// <summary>Creates the instance (or re-creates a completed one), as orchestrator/create.go does.</summary>
    public async Task CreateAsync(HistoryEvent start, CancellationToken ct)
    {
        await Turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var state = Load();
            if (state is not null && !state.IsCompleted)
            {
                if (IsSameParentCreation(state, start.ExecutionStarted))
                {
                    return;
                }

                throw WorkflowErrors.AlreadyExists(InstanceId);
            }

            var fresh = new InstanceState
            {
                Generation = state is null ? 1 : state.Generation + 1,
                StoredInbox = state?.StoredInbox ?? 0,
                StoredHistory = state?.StoredHistory ?? 0,
            };
            fresh.ReplaceHistory([]);
            fresh.Inbox.Add(start);
            Commit(fresh, withCustomStatus: true);
        }
        finally
        {
            Turn.Release();
        }

        Kick();
    }

    /// <summary>Creates the instance from a forked history (orchestrator/rerun.go rerunWorkflowInstanceRequest).</summary>
    /// <exception cref="Grpc.Core.RpcException">The instance exists.</exception>
    public async Task CreateForkAsync(List<HistoryEvent> history, CancellationToken ct)
    {
        await Turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Load() is not null)
            {
                throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.AlreadyExists, $"workflow '{InstanceId}' has already been created"));
            }

            var state = new InstanceState();
            state.ReplaceHistory(history);
            Commit(state, withCustomStatus: true);
        }
        finally
        {
            Turn.Release();
        }
    }

    /// <summary>Adds an event to the inbox and wakes the instance (orchestrator/add.go); duplicate completions are dropped.</summary>
    /// <exception cref="Grpc.Core.RpcException">The instance does not exist.</exception>
    public async Task AddEventAsync(HistoryEvent e, CancellationToken ct)
    {
        await Turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var state = Load() ?? throw WorkflowErrors.InstanceNotFound();
            if (EventDedup.IsResolved(e, state.History, state.Inbox))
            {
                return;
            }

            state.Inbox.Add(e);
            try
            {
                backend.Store.SaveInboxAppend(InstanceId, state);
            }
            catch
            {
                Unload();
                throw;
            }

            Publish(state);
        }
        finally
        {
            Turn.Release();
        }

        Kick();
    }

    /// <summary>Deletes every key of a completed instance (orchestrator/state.go purgeWorkflowState); returns the purged state.</summary>
    public async Task<InstanceState> PurgeAsync(CancellationToken ct)
    {
        await Turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var state = Load() ?? throw WorkflowErrors.InstanceNotFound();
            if (!state.IsCompleted)
            {
                throw WorkflowErrors.PurgeNotCompleted();
            }

            backend.Store.Delete(InstanceId, state);
            _state = null;
            _committed = null;
            Signal();
            return state;
        }
        finally
        {
            Turn.Release();
        }
    }

    /// <summary>Forgets the cached state if the actor is idle (deactivation when its replicas went away).</summary>
    public void Deactivate()
    {
        if (Turn.Wait(0))
        {
            Unload();
            Turn.Release();
        }
    }

    /// <summary>Makes sure a turn runs after the current one (daprd's new-event reminder).</summary>
    public void Kick()
    {
        if (Interlocked.Increment(ref _kicks) == 1)
        {
            _ = Task.Run(RunTurnsAsync);
        }
    }

    private async Task RunTurnsAsync()
    {
        while (true)
        {
            var seen = Volatile.Read(ref _kicks);
            try
            {
                await RunTurnAsync(backend.Stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (backend.Stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // daprd retries a failed turn from its reminder; the state saved before the turn is unchanged.
                backend.Logger.WorkflowWarning(backend.AppId, InstanceId, "turn failed, retrying: " + e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200), backend.Time, backend.Stopping).ConfigureAwait(false);
                continue;
            }

            if (Interlocked.CompareExchange(ref _kicks, 0, seen) == seen)
            {
                return;
            }
        }
    }

    private async Task RunTurnAsync(CancellationToken ct)
    {
        List<TurnEffect> effects;
        ulong generation;
        await Turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var state = Load();
            if (state is null || state.Inbox.Count == 0)
            {
                return;
            }

            generation = state.Generation;
            var now = backend.Time.GetUtcNow();
            if (state.IsCompleted || (InstanceState.FindStart(state.History) ?? InstanceState.FindStart(state.Inbox)) is null)
            {
                // durabletask-go backend/orchestration.go applyWorkItem: a completed (or never started) instance drops
                // the work item; a recursive terminate still reaches its children.
                var terminated = state.Inbox.Select(e => e.ExecutionTerminated).FirstOrDefault(t => t is not null);
                state.Inbox.Clear();
                Commit(state, withCustomStatus: false);
                effects = terminated is { Recurse: true } ? TerminateChildren(state.History, terminated) : [];
            }
            else if (PendingStart(state, now) is { } startAt)
            {
                backend.Timers.Schedule(startAt, () =>
                {
                    Kick();
                    return Task.CompletedTask;
                });
                return;
            }
            else
            {
                effects = await ExecuteAsync(state, now, ct).ConfigureAwait(false);
                generation = state.Generation;
            }
        }
        catch
        {
            Unload();
            throw;
        }
        finally
        {
            Turn.Release();
        }

        await backend.ApplyEffectsAsync(InstanceId, generation, effects).ConfigureAwait(false);
    }

    private async Task<List<TurnEffect>> ExecuteAsync(InstanceState state, DateTimeOffset now, CancellationToken ct)
    {
        var added = new List<HistoryEvent> { new() { EventId = -1, Timestamp = Timestamp.FromDateTimeOffset(now), WorkflowStarted = new WorkflowStartedEvent() } };
        foreach (var e in state.Inbox)
        {
            if (!EventDedup.IsDuplicate(e, state.History, added))
            {
                added.Add(e);
            }
        }

        var terminated = added.Select(e => e.ExecutionTerminated).FirstOrDefault(t => t is not null);
        IReadOnlyList<HistoryEvent> past = state.History;
        var reset = false;
        TurnApplier applier;
        WorkflowResponse response;
        for (var round = 0; ; round++)
        {
            var request = new WorkflowRequest
            {
                InstanceId = InstanceId,
                ExecutionId = InstanceState.FindStart(past)?.WorkflowInstance?.ExecutionId ?? InstanceState.FindStart(added)?.WorkflowInstance?.ExecutionId,
            };
            request.PastEvents.AddRange(past);
            request.NewEvents.AddRange(added);
            response = await backend.Dispatcher.RunWorkflowAsync(request, ct).ConfigureAwait(false);
            if (response.Version is { } version && added[0].WorkflowStarted is { } started)
            {
                started.Version = version;
            }

            var actions = terminated is null
                ? response.Actions
                : response.Actions.Where(a => a.CompleteWorkflow?.WorkflowStatus != OrchestrationStatus.ContinuedAsNew);
            applier = new TurnApplier(backend.AppId, InstanceId, now);
            applier.Apply(past, added, actions);
            if (applier.NewExecution is null)
            {
                break;
            }

            if (round >= MaxContinueAsNewPerTurn)
            {
                throw new InvalidOperationException($"exceeded tight-loop continue-as-new limit of {MaxContinueAsNewPerTurn} iterations");
            }

            past = [];
            added = applier.NewExecution;
            reset = true;
        }

        if (terminated is not null && !TurnApplier.IsCompleted(added))
        {
            applier.ForceTermination(past, added, terminated);
        }

        var effects = applier.Effects;
        if (terminated is { Recurse: true })
        {
            effects.AddRange(TerminateChildren([.. past, .. added], terminated));
        }

        if (reset)
        {
            state.ReplaceHistory(added);
            state.Generation++;
        }
        else
        {
            state.History.AddRange(added);
        }

        state.CustomStatus = string.IsNullOrEmpty(response.CustomStatus) ? null : response.CustomStatus;
        state.Inbox.Clear();
        Commit(state, withCustomStatus: true);
        if (state.Completion is { } completion)
        {
            backend.Logger.WorkflowStatusChanged(backend.AppId, InstanceId, state.Start?.Name ?? string.Empty, completion.WorkflowStatus.ToString());
        }

        return effects;
    }

    /// <summary>ExecutionTerminated messages for the children still running (recursive terminate).</summary>
    private List<TurnEffect> TerminateChildren(IReadOnlyList<HistoryEvent> history, ExecutionTerminatedEvent terminated) =>
        EventDedup.RunningChildren(history)
            .Select(child => (TurnEffect)new TurnEffect.Message(backend.AppId, child, new HistoryEvent
            {
                EventId = -1,
                Timestamp = Timestamp.FromDateTimeOffset(backend.Time.GetUtcNow()),
                ExecutionTerminated = new ExecutionTerminatedEvent { Input = terminated.Input, Recurse = true },
            }))
            .ToList();

    private static DateTimeOffset? PendingStart(InstanceState state, DateTimeOffset now) =>
        state.History.Count == 0 && InstanceState.FindStart(state.Inbox)?.ScheduledStartTimestamp is { } at && at.ToDateTimeOffset() > now
            ? at.ToDateTimeOffset()
            : null;

    private static bool IsSameParentCreation(InstanceState state, ExecutionStartedEvent incoming)
    {
        var existing = (state.Start ?? InstanceState.FindStart(state.Inbox))?.ParentInstance;
        return existing is not null && incoming.ParentInstance is { } parent
            && existing.WorkflowInstance?.InstanceId == parent.WorkflowInstance?.InstanceId
            && existing.TaskScheduledId == parent.TaskScheduledId;
    }

    private InstanceState? Load()
    {
        if (!_loaded)
        {
            _state = backend.Store.Load(InstanceId);
            _loaded = true;
        }

        return _state;
    }

    private void Unload()
    {
        _loaded = false;
        _state = null;
        _committed = null;
    }

    private void Commit(InstanceState state, bool withCustomStatus)
    {
        backend.Store.Save(InstanceId, state, withCustomStatus);
        _state = state;
        _loaded = true;
        Publish(state);
    }

    private void Publish(InstanceState state)
    {
        var copy = new InstanceState { CustomStatus = state.CustomStatus, Generation = state.Generation };
        copy.Inbox.AddRange(state.Inbox);
        copy.ReplaceHistory([.. state.History]);
        _committed = copy;
        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
