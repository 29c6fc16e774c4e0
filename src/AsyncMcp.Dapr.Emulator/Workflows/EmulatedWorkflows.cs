namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Test-side view of one app's workflows in the emulated cluster: list instances, read their state and history as
/// stored, and wait for a state, without going through an app's workflow client.
/// </summary>
public sealed class EmulatedWorkflows
{
    private readonly WorkflowBackend _backend;

    internal EmulatedWorkflows(WorkflowBackend backend) => _backend = backend;

    /// <summary>The app-id.</summary>
    public string AppId => _backend.AppId;

    /// <summary>The ids of every instance with state, in key order (what ListInstanceIDs pages through).</summary>
    public IReadOnlyList<string> InstanceIds() => _backend.HasActorStateStore ? _backend.Store.InstanceIds() : [];

    /// <summary>The instance as last committed, or null when it has no state (never created, or purged).</summary>
    /// <param name="instanceId">The instance id.</param>
    public WorkflowInstanceSnapshot? Get(string instanceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return _backend.Actor(instanceId).Read() is { } state ? WorkflowInstanceSnapshot.From(instanceId, state) : null;
    }

    /// <summary>Waits until the instance exists and meets <paramref name="condition"/>.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="condition">The state to wait for.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public async Task<WorkflowInstanceSnapshot> WaitAsync(string instanceId, Func<WorkflowInstanceSnapshot, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentNullException.ThrowIfNull(condition);
        var actor = _backend.Actor(instanceId);
        while (true)
        {
            var changed = actor.Changed;
            if (Get(instanceId) is { } snapshot && condition(snapshot))
            {
                return snapshot;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The keys the instance has in the actor state store, as daprd names them (e.g. "{appId}||dapr.internal.default.{appId}.workflow||{id}||history-000000").</summary>
    /// <param name="instanceId">The instance id.</param>
    public IReadOnlyList<string> StateKeys(string instanceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return _backend.HasActorStateStore ? _backend.Store.KeysOf(instanceId) : [];
    }
}
