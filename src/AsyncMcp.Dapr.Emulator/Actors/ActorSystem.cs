using System.Text.Json;
using AsyncMcp.Dapr.Emulator.Components;
using AsyncMcp.Dapr.Emulator.State;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// The actor runtime of the whole emulated cluster: the placement tables (one ring per actor type over every live host
/// of that type), invocation routed to the owner, actor state in the actor state store, and durable reminders.
/// Sidecars register as hosts when their app reports actor types on GET /dapr/config, and leave when they stop; each
/// change re-places actors and drains those that moved (dapr/dapr pkg/actors/internal/placement/placement.go).
/// </summary>
internal sealed class ActorSystem : IAsyncDisposable
{
    private const string Separator = "||";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly DaprEmulator _emulator;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsistentHashRing> _rings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActorHost> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ReminderRecord>> _reminders = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _reminderLoop;

    public ActorSystem(DaprEmulator emulator) => _emulator = emulator;

    /// <summary>Reads the app's actor configuration and, if it hosts actor types, adds the sidecar to the placement.</summary>
    public async Task AttachAsync(DaprSidecar sidecar, Uri appBaseUrl, CancellationToken cancellationToken)
    {
        var channel = new ActorAppChannel(appBaseUrl);
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

        if (StateStoreFor(sidecar.AppId) is null)
        {
            // daprd starts without the actor runtime when no state store has actorStateStore: "true".
            channel.Dispose();
            _emulator.Logger.ActorsDisabled(sidecar.AppId, string.Join(",", config.Entities));
            return;
        }

        var host = new ActorHost(_emulator, sidecar, channel, config);
        lock (_gate)
        {
            _hosts[host.Name] = host;
            foreach (var type in config.Entities)
            {
                if (!_rings.TryGetValue(type, out var ring))
                {
                    _rings[type] = ring = new ConsistentHashRing();
                }

                ring.Add(host.Name);
                LoadReminders(type, sidecar.AppId);
            }

            _reminderLoop ??= RunRemindersAsync();
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
            host = _hosts.Values.FirstOrDefault(h => h.Sidecar == sidecar);
            if (host is null)
            {
                return;
            }

            _hosts.Remove(host.Name);
            foreach (var type in host.Config.Entities)
            {
                _rings[type].Remove(host.Name);
            }
        }

        await host.DisposeAsync().ConfigureAwait(false);
        _emulator.Logger.ActorHostLeft(sidecar.AppId, host.Name);
        Rebalance();
    }

    /// <summary>The host that owns the actor now, or null when no live host has its type.</summary>
    public ActorHost? Owner(string actorType, string actorId)
    {
        lock (_gate)
        {
            return _rings.TryGetValue(actorType, out var ring) && ring.Get(actorId) is { } name ? _hosts.GetValueOrDefault(name) : null;
        }
    }

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

    /// <summary>Creates or replaces a reminder; it is kept in the actor state store and fires on whichever host owns the actor.</summary>
    public void RegisterReminder(string appId, string actorType, string actorId, string name, JsonElement request)
    {
        RequireRuntime(appId);
        var now = _emulator.Time.GetUtcNow();
        var dueText = request.TryGetProperty("dueTime", out var d) ? d.GetString() : null;
        var periodText = request.TryGetProperty("period", out var p) ? p.GetString() : null;
        if (!DaprDuration.TryParseDueTime(dueText, now, out var due))
        {
            throw ActorErrors.ReminderCreate($"error parsing dueTime '{dueText}'");
        }

        if (!DaprDuration.TryParse(periodText, out _, out var repetitions))
        {
            throw ActorErrors.ReminderCreate($"error parsing period '{periodText}'");
        }

        var ttlText = request.TryGetProperty("ttl", out var t) ? t.GetString() : null;
        DateTimeOffset? expires = null;
        if (!string.IsNullOrEmpty(ttlText))
        {
            if (!DaprDuration.TryParseDueTime(ttlText, now, out var expiry))
            {
                throw ActorErrors.ReminderCreate($"error parsing ttl '{ttlText}'");
            }

            expires = expiry;
        }

        var reminder = new ReminderRecord
        {
            ActorId = actorId,
            ActorType = actorType,
            Name = name,
            Data = request.TryGetProperty("data", out var data) ? data.Clone() : null,
            DueTime = dueText,
            Period = periodText,
            RegisteredTime = now,
            ExpirationTime = expires,
            NextTime = due,
            RepetitionsLeft = repetitions,
        };
        lock (_gate)
        {
            var list = LoadReminders(actorType, appId);
            list.RemoveAll(r => r.ActorId == actorId && r.Name == name);
            list.Add(reminder);
            SaveReminders(actorType, appId);
            _reminderLoop ??= RunRemindersAsync();
        }
    }

    public void UnregisterReminder(string appId, string actorType, string actorId, string name)
    {
        RequireRuntime(appId);
        lock (_gate)
        {
            if (LoadReminders(actorType, appId).RemoveAll(r => r.ActorId == actorId && r.Name == name) > 0)
            {
                SaveReminders(actorType, appId);
            }
        }
    }

    public ReminderRecord? GetReminder(string appId, string actorType, string actorId, string name)
    {
        RequireRuntime(appId);
        lock (_gate)
        {
            return LoadReminders(actorType, appId).FirstOrDefault(r => r.ActorId == actorId && r.Name == name);
        }
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
            hosts = [.. _hosts.Values];
            _hosts.Clear();
        }

        foreach (var host in hosts)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        if (_reminderLoop is { } loop)
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

    private void RequireRuntime(string appId)
    {
        if (StateStoreFor(appId) is null)
        {
            throw ActorErrors.RuntimeNotFound();
        }
    }

    private (StateStore Store, string AppId) LocalStore(DaprSidecar sidecar, string actorType, string actorId)
    {
        var store = StateStoreFor(sidecar.AppId) ?? throw ActorErrors.RuntimeNotFound();

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
        lock (_gate)
        {
            foreach (var host in _hosts.Values)
            {
                foreach (var actor in host.Active)
                {
                    var owner = _rings.TryGetValue(actor.ActorType, out var ring) ? ring.Get(actor.ActorId) : null;
                    if (owner != host.Name)
                    {
                        moved.Add((host, actor));
                    }
                }
            }
        }

        foreach (var (host, actor) in moved)
        {
            var wait = host.Config.DrainRebalancedActors ? host.Config.DrainOngoingCallTimeout : TimeSpan.Zero;
            _ = host.DeactivateAsync(actor, wait, force: true);
        }
    }

    private List<ReminderRecord> LoadReminders(string actorType, string appId)
    {
        if (_reminders.TryGetValue(actorType, out var list))
        {
            return list;
        }

        list = [];
        if (StateStoreFor(appId)?.Get(RemindersKey(actorType)) is { } item)
        {
            list.AddRange(JsonSerializer.Deserialize<List<ReminderRecord>>(item.Value, Json) ?? []);
        }

        _reminders[actorType] = list;
        return list;
    }

    private void SaveReminders(string actorType, string appId)
    {
        var store = StateStoreFor(appId);
        var value = JsonSerializer.SerializeToUtf8Bytes(_reminders[actorType], Json);
        store?.Apply([new StateOperation(RemindersKey(actorType), value, null, false)]);
    }

    // daprd's key for the reminders of a type in the actor state store (pkg/actors/internal/reminders/storage).
    private static string RemindersKey(string actorType) => "actors" + Separator + actorType;

    private async Task RunRemindersAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), _emulator.Time);
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
        {
            var now = _emulator.Time.GetUtcNow();
            List<(ReminderRecord Reminder, ActorHost Host)> due = [];
            lock (_gate)
            {
                foreach (var (type, list) in _reminders)
                {
                    foreach (var reminder in list.Where(r => !r.Firing && r.NextTime <= now))
                    {
                        if (_rings.TryGetValue(type, out var ring) && ring.Get(reminder.ActorId) is { } name && _hosts.TryGetValue(name, out var host))
                        {
                            reminder.Firing = true;
                            due.Add((reminder, host));
                        }
                    }
                }
            }

            foreach (var (reminder, host) in due)
            {
                _ = FireAsync(reminder, host);
            }
        }
    }

    private async Task FireAsync(ReminderRecord reminder, ActorHost host)
    {
        var body = ReminderBody(reminder);
        var path = $"actors/{Uri.EscapeDataString(reminder.ActorType)}/{Uri.EscapeDataString(reminder.ActorId)}/method/remind/{Uri.EscapeDataString(reminder.Name)}";
        var delivered = false;
        try
        {
            var result = await host.CallAsync(reminder.ActorType, reminder.ActorId, path, body, "application/json", [], _stopping.Token).ConfigureAwait(false);
            delivered = result.Status is >= 200 and < 300;
            _emulator.Logger.ActorReminderFired(host.Sidecar.AppId, reminder.ActorType, reminder.ActorId, reminder.Name, result.Status);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            _emulator.Logger.ActorReminderFired(host.Sidecar.AppId, reminder.ActorType, reminder.ActorId, reminder.Name, 0);
        }

        lock (_gate)
        {
            reminder.Firing = false;
            if (!_reminders.TryGetValue(reminder.ActorType, out var list) || !list.Contains(reminder))
            {
                return; // Unregistered or replaced while it fired.
            }

            if (!delivered)
            {
                // Not delivered (the host went away, or the app failed): it fires again, on whichever host owns it then.
                reminder.NextTime = _emulator.Time.GetUtcNow() + TimeSpan.FromMilliseconds(200);
                return;
            }

            var period = DaprDuration.TryParse(reminder.Period, out var parsed, out _) ? parsed : TimeSpan.Zero;
            if (reminder.RepetitionsLeft > 0)
            {
                reminder.RepetitionsLeft--;
            }

            var next = reminder.NextTime + period;
            if (period <= TimeSpan.Zero || reminder.RepetitionsLeft == 0 || (reminder.ExpirationTime is { } expiry && next > expiry))
            {
                list.Remove(reminder);
            }
            else
            {
                reminder.NextTime = next;
            }

            SaveReminders(reminder.ActorType, host.Sidecar.AppId);
        }
    }

    private static byte[] ReminderBody(ReminderRecord reminder)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (reminder.Data is { } data)
            {
                writer.WritePropertyName("data");
                data.WriteTo(writer);
            }

            writer.WriteString("dueTime", reminder.DueTime ?? string.Empty);
            writer.WriteString("period", reminder.Period ?? string.Empty);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
