using System.Collections.Concurrent;
using System.Text.Json;
using AsyncMcp.Dapr.Emulator.Components;
using AsyncMcp.Dapr.Emulator.State;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// The actor runtime of the whole emulated cluster: the placement tables (one ring per actor type over every live host
/// of that type), invocation routed to the owner, actor state in the actor state store, and durable reminders.
/// Sidecars register as hosts when their app reports actor types on GET /dapr/config, and leave when they stop; each
/// change re-places actors and drains those that moved (dapr/dapr pkg/actors/internal/placement/placement.go).
/// Calls, state and reminders of different actors share no lock: a lookup reads the placement version in force, and
/// each actor's turn is its own (pkg/actors/internal/locker/locker.go).
/// </summary>
internal sealed class ActorSystem : IAsyncDisposable
{
    private const string Separator = "||";

    private readonly DaprEmulator _emulator;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, StateStore> _actorStores = new(StringComparer.Ordinal);
    private readonly ActorReminders _reminders;
    private PlacementTable _placement = PlacementTable.Empty;
    private long _reminderCalls;

    public ActorSystem(DaprEmulator emulator)
    {
        _emulator = emulator;
        _reminders = new ActorReminders(emulator, ActorStoreOf, () => Placement, _stopping.Token);
    }

    // Replaced whole under _gate by joins and leaves; read without a lock by every call.
    private PlacementTable Placement => Volatile.Read(ref _placement);

    /// <summary>Reads the app's actor configuration and, if it hosts actor types, adds the sidecar to the placement.</summary>
    public async Task AttachAsync(DaprSidecar sidecar, Uri appBaseUrl, CancellationToken cancellationToken)
    {
        var channel = new ActorAppChannel(appBaseUrl, sidecar.AppApiToken);
        string? json;
        try
        {
            json = await channel.GetConfigAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            channel.Dispose();
            throw;
        }

        var config = json is null ? null : ActorHostConfig.Parse(json);
        if (config is null || config.Entities.Count == 0)
        {
            channel.Dispose();
            return;
        }

        if (StateStoreFor(sidecar.AppId) is not { } store)
        {
            // daprd starts without the actor runtime when no state store has actorStateStore: "true".
            channel.Dispose();
            _emulator.Logger.ActorsDisabled(sidecar.AppId, string.Join(",", config.Entities));
            return;
        }

        // daprd picks its actor state store once, at start (pkg/runtime/runtime.go initActors).
        _actorStores[sidecar.AppId] = store;
        var host = new ActorHost(_emulator, sidecar, channel, config);
        lock (_gate)
        {
            Volatile.Write(ref _placement, _placement.With(host));
        }

        foreach (var type in config.Entities)
        {
            _reminders.Host(type, sidecar.AppId);
        }

        _emulator.Logger.ActorHostJoined(sidecar.AppId, host.Name, string.Join(",", config.Entities));
        Rebalance();
    }

    /// <summary>Takes a stopped sidecar out of the placement; its actors are placed anew on the next call.</summary>
    public async Task DetachAsync(DaprSidecar sidecar)
    {
        ActorHost? host;
        lock (_gate)
        {
            host = _placement.Hosts.FirstOrDefault(h => h.Sidecar == sidecar);
            if (host is null)
            {
                return;
            }

            Volatile.Write(ref _placement, _placement.Without(host));
        }

        await host.DisposeAsync().ConfigureAwait(false);
        _emulator.Logger.ActorHostLeft(sidecar.AppId, host.Name);
        Rebalance();
    }

    /// <summary>The host that owns the actor now, or null when no live host has its type.</summary>
    public ActorHost? Owner(string actorType, string actorId) => Placement.Owner(actorType, actorId);

    /// <summary>Invokes an actor method from any sidecar: forwarded to the owner, which calls its app in the actor's turn.</summary>
    public async Task<ActorCallResult> InvokeAsync(
        string callerAppId, string actorType, string actorId, string method, byte[]? body, string? contentType,
        IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        RequireRuntime(callerAppId);
        var owner = Owner(actorType, actorId)
            ?? throw ActorErrors.InvokeMethod($"did not find address for actor {actorType}/{actorId}");
        var path = $"actors/{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(actorId)}/method/{method}";
        try
        {
            return await owner.CallAsync(actorType, actorId, path, body, contentType, headers, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (owner.Stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ActorErrors.InvokeMethod($"the host of actor {actorType}/{actorId} went away during the call");
        }
        catch (HttpRequestException e)
        {
            throw ActorErrors.InvokeMethod(e.Message);
        }
    }

    /// <summary>Reads one key of an actor's state; only the host the actor is placed on may.</summary>
    public StateItem? GetState(DaprSidecar sidecar, string actorType, string actorId, string key)
    {
        var (store, appId) = LocalStore(sidecar, actorType, actorId);
        return store.Get(StateKey(appId, actorType, actorId, key));
    }

    /// <summary>Applies upserts and deletes to an actor's state, all or none.</summary>
    public void Transact(DaprSidecar sidecar, string actorType, string actorId, IReadOnlyList<StateOperation> operations)
    {
        var (store, appId) = LocalStore(sidecar, actorType, actorId);
        try
        {
            store.Apply(operations.Select(o => o with { Key = StateKey(appId, actorType, actorId, o.Key) }).ToList());
        }
        catch (StateETagException e)
        {
            throw ActorErrors.StateTransaction(e.Message);
        }
    }

    /// <summary>Reminder registrations and removals asked of the runtime so far: what a benchmark counts per call.</summary>
    public long ReminderCalls => Interlocked.Read(ref _reminderCalls);

    /// <summary>Creates or replaces a reminder; it is kept in the actor state store and fires on whichever host owns the actor.</summary>
    public void RegisterReminder(string appId, string actorType, string actorId, string name, JsonElement request)
    {
        RequireRuntime(appId);
        Interlocked.Increment(ref _reminderCalls);
        _reminders.Register(appId, actorType, actorId, name, request);
    }

    public void UnregisterReminder(string appId, string actorType, string actorId, string name)
    {
        RequireRuntime(appId);
        Interlocked.Increment(ref _reminderCalls);
        _reminders.Unregister(appId, actorType, actorId, name);
    }

    public ReminderRecord? GetReminder(string appId, string actorType, string actorId, string name)
    {
        RequireRuntime(appId);
        return _reminders.Get(appId, actorType, actorId, name);
    }

    /// <summary>Starts a timer on the host that owns the actor (timers are not durable).</summary>
    public void RegisterTimer(string appId, string actorType, string actorId, string name, JsonElement request)
    {
        RequireRuntime(appId);
        var owner = Owner(actorType, actorId) ?? throw ActorErrors.TimerCreate($"did not find address for actor {actorType}/{actorId}");
        owner.StartTimer(actorType, actorId, name, request);
    }

    public void UnregisterTimer(string appId, string actorType, string actorId, string name)
    {
        RequireRuntime(appId);
        Owner(actorType, actorId)?.StopTimer(actorType, actorId, name);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        ActorHost[] hosts;
        lock (_gate)
        {
            hosts = [.. _placement.Hosts];
            Volatile.Write(ref _placement, PlacementTable.Empty);
        }

        foreach (var host in hosts)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        if (_reminders.Loop is { } loop)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The state store daprd uses for actors: the one with metadata actorStateStore "true" (any case).</summary>
    internal StateStore? StateStoreFor(string appId)
    {
        var spec = _emulator.ComponentsFor(appId).FirstOrDefault(c => c.IsStateStore && IsActorStateStore(c));
        return spec is null ? null : _emulator.StateStore(spec.Name);
    }

    /// <summary>daprd's actor state key: "{appId}||{actorType}||{actorId}||{key}" (pkg/actors/state/state.go).</summary>
    internal static string StateKey(string appId, string actorType, string actorId, string key) =>
        string.Join(Separator, appId, actorType, actorId, key);

    private static bool IsActorStateStore(ComponentSpec spec) =>
        spec.Metadata.Any(p => string.Equals(p.Key, "actorStateStore", StringComparison.OrdinalIgnoreCase)
            && string.Equals(p.Value, "true", StringComparison.OrdinalIgnoreCase));

    // The actor state store of an app that hosts actors is known from its start; other apps look theirs up.
    private StateStore? ActorStoreOf(string appId) => _actorStores.TryGetValue(appId, out var store) ? store : StateStoreFor(appId);

    private void RequireRuntime(string appId)
    {
        if (ActorStoreOf(appId) is null)
        {
            throw ActorErrors.RuntimeNotFound();
        }
    }

    private (StateStore Store, string AppId) LocalStore(DaprSidecar sidecar, string actorType, string actorId)
    {
        var store = ActorStoreOf(sidecar.AppId) ?? throw ActorErrors.RuntimeNotFound();

        // daprd serves actor state only to the host the actor is placed on (pkg/api/universal/actors.go: isActorLocal).
        if (Owner(actorType, actorId)?.Sidecar != sidecar)
        {
            throw ActorErrors.InstanceMissing();
        }

        return (store, sidecar.AppId);
    }

    /// <summary>Drains actors whose owner changed: each waits for its call in progress, then is deactivated where it was.</summary>
    private void Rebalance()
    {
        List<(ActorHost Host, ActiveActor Actor)> moved = [];
        var placement = Placement;
        foreach (var host in placement.Hosts)
        {
            foreach (var actor in host.Active)
            {
                if (placement.Owner(actor.ActorType, actor.ActorId) != host)
                {
                    moved.Add((host, actor));
                }
            }
        }

        foreach (var (host, actor) in moved)
        {
            var wait = host.Config.DrainRebalancedActors ? host.Config.DrainOngoingCallTimeout : TimeSpan.Zero;
            _ = host.DeactivateAsync(actor, wait, force: true);
        }
    }
}
