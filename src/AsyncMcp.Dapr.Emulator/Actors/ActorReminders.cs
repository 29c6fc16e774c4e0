using System.Text.Json;
using AsyncMcp.Dapr.Emulator.State;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// Durable reminders, kept as daprd's state-store reminders provider keeps them (dapr/dapr pkg/actors/reminders/statestore.go):
/// all reminders of an actor type in one list under "actors||{type}" in the actor state store, fired on whichever host owns
/// the actor when they are due. Reminder writes take turns among themselves (daprd's evaluation lock) but never hold up
/// actor calls or state, and re-registering a reminder that is already there unchanged writes nothing (CreateReminder with
/// Reminder.RequiresUpdating). A firing writes the reminder's own track ("{type}||{id}||{name}": last fired time and
/// repetitions left, updateReminderTrack), never the list.
/// </summary>
internal sealed class ActorReminders
{
    private const string Separator = "||";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly DaprEmulator _emulator;
    private readonly Func<string, StateStore?> _storeFor;
    private readonly Func<PlacementTable> _placement;
    private readonly CancellationToken _stopping;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ReminderRecord>> _reminders = new(StringComparer.Ordinal);
    private Task? _loop;

    /// <param name="emulator">The emulated cluster (time, log).</param>
    /// <param name="storeFor">The actor state store of an app id.</param>
    /// <param name="placement">The placement tables in force.</param>
    /// <param name="stopping">Ends the firing loop.</param>
    public ActorReminders(DaprEmulator emulator, Func<string, StateStore?> storeFor, Func<PlacementTable> placement, CancellationToken stopping)
    {
        _emulator = emulator;
        _storeFor = storeFor;
        _placement = placement;
        _stopping = stopping;
    }

    /// <summary>The firing loop, once started.</summary>
    public Task? Loop
    {
        get
        {
            lock (_gate)
            {
                return _loop;
            }
        }
    }

    /// <summary>Loads the reminders of a type an app hosts, and starts firing them.</summary>
    public void Host(string actorType, string appId)
    {
        lock (_gate)
        {
            Load(actorType, appId);
            _loop ??= RunAsync();
        }
    }

    /// <summary>Creates or replaces a reminder from daprd's request body (dueTime, period, ttl, data).</summary>
    public void Register(string appId, string actorType, string actorId, string name, JsonElement request)
    {
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
            var list = Load(actorType, appId);
            var existing = list.FindIndex(r => r.ActorId == actorId && r.Name == name);
            if (existing >= 0 && !list[existing].RequiresUpdating(reminder))
            {
                return;
            }

            if (existing >= 0)
            {
                // Replaced: the new one starts afresh, without the old one's track.
                list.RemoveAt(existing);
                _storeFor(appId)?.Apply([new StateOperation(TrackKey(reminder), null, null, false)]);
            }

            list.Add(reminder);
            Save(actorType, appId);
            _loop ??= RunAsync();
        }
    }

    public void Unregister(string appId, string actorType, string actorId, string name)
    {
        lock (_gate)
        {
            var list = Load(actorType, appId);
            var index = list.FindIndex(r => r.ActorId == actorId && r.Name == name);
            if (index >= 0)
            {
                var track = TrackKey(list[index]);
                list.RemoveAt(index);
                Save(actorType, appId);
                _storeFor(appId)?.Apply([new StateOperation(track, null, null, false)]);
            }
        }
    }

    public ReminderRecord? Get(string appId, string actorType, string actorId, string name)
    {
        lock (_gate)
        {
            return Load(actorType, appId).FirstOrDefault(r => r.ActorId == actorId && r.Name == name);
        }
    }

    private List<ReminderRecord> Load(string actorType, string appId)
    {
        if (_reminders.TryGetValue(actorType, out var list))
        {
            return list;
        }

        list = [];
        var store = _storeFor(appId);
        if (store?.Get(Key(actorType)) is { } item)
        {
            list.AddRange(JsonSerializer.Deserialize<List<ReminderRecord>>(item.Value, Json) ?? []);
        }

        foreach (var reminder in list)
        {
            // A reminder that fired before resumes one period after its last firing, with the repetitions it had left.
            if (store?.Get(TrackKey(reminder)) is { } stored && JsonSerializer.Deserialize<ReminderTrack>(stored.Value, Json) is { } track)
            {
                reminder.RepetitionsLeft = track.RepetitionLeft;
                reminder.NextTime = track.LastFiredTime + (DaprDuration.TryParse(reminder.Period, out var period, out _) ? period : TimeSpan.Zero);
            }
        }

        _reminders[actorType] = list;
        return list;
    }

    private void Save(string actorType, string appId)
    {
        var value = JsonSerializer.SerializeToUtf8Bytes(_reminders[actorType], Json);
        _storeFor(appId)?.Apply([new StateOperation(Key(actorType), value, null, false)]);
    }

    // daprd's key for the reminders of a type in the actor state store (pkg/actors/reminders/statestore.go).
    private static string Key(string actorType) => "actors" + Separator + actorType;

    // daprd's key for the track of one reminder: its type, actor id and name (Reminder.Key()).
    private static string TrackKey(ReminderRecord reminder) => string.Join(Separator, reminder.ActorType, reminder.ActorId, reminder.Name);

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20), _emulator.Time);
        while (await timer.WaitForNextTickAsync(_stopping).ConfigureAwait(false))
        {
            var now = _emulator.Time.GetUtcNow();
            var placement = _placement();
            List<(ReminderRecord Reminder, ActorHost Host)> due = [];
            lock (_gate)
            {
                foreach (var list in _reminders.Values)
                {
                    foreach (var reminder in list)
                    {
                        if (!reminder.Firing && reminder.NextTime <= now && placement.Owner(reminder.ActorType, reminder.ActorId) is { } host)
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
        var body = Body(reminder);
        var path = $"actors/{Uri.EscapeDataString(reminder.ActorType)}/{Uri.EscapeDataString(reminder.ActorId)}/method/remind/{Uri.EscapeDataString(reminder.Name)}";
        var delivered = false;
        try
        {
            var result = await host.CallAsync(reminder.ActorType, reminder.ActorId, path, body, "application/json", [], _stopping).ConfigureAwait(false);
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
            var store = _storeFor(host.Sidecar.AppId);
            if (period <= TimeSpan.Zero || reminder.RepetitionsLeft == 0 || (reminder.ExpirationTime is { } expiry && next > expiry))
            {
                // Done: it leaves the list and its track goes (doDeleteReminder).
                list.Remove(reminder);
                Save(reminder.ActorType, host.Sidecar.AppId);
                store?.Apply([new StateOperation(TrackKey(reminder), null, null, false)]);
                return;
            }

            var fired = reminder.NextTime;
            reminder.NextTime = next;
            var track = JsonSerializer.SerializeToUtf8Bytes(new ReminderTrack(fired, reminder.RepetitionsLeft), Json);
            store?.Apply([new StateOperation(TrackKey(reminder), track, null, false)]);
        }
    }

    private static byte[] Body(ReminderRecord reminder)
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
