using System.Collections.Concurrent;
using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// One sidecar as a member of the actor placement: its app's actor configuration, the actors active on it, their
/// turn-based calls, timers, and idle deactivation (dapr/dapr pkg/actors/internal/scheduler and pkg/actors/targets/app
/// app.go: the scan loop deactivates actors idle for longer than actorIdleTimeout with no call in progress).
/// </summary>
internal sealed class ActorHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Type, string Id), ActiveActor> _active = new();
    private readonly CancellationTokenSource _stopping;
    private readonly DaprEmulator _emulator;
    private readonly Task _scanLoop;

    public ActorHost(DaprEmulator emulator, DaprSidecar sidecar, ActorAppChannel channel, ActorHostConfig config)
    {
        _emulator = emulator;
        Sidecar = sidecar;
        Channel = channel;
        Config = config;
        Name = sidecar.GrpcEndpoint.Authority;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(sidecar.StoppingToken);
        Stopping = _stopping.Token;
        _scanLoop = ScanAsync();
    }

    /// <summary>The host's name in the placement ring: daprd's host address and port.</summary>
    public string Name { get; }

    public DaprSidecar Sidecar { get; }

    public ActorAppChannel Channel { get; }

    public ActorHostConfig Config { get; }

    public CancellationToken Stopping { get; }

    public IEnumerable<ActiveActor> Active => _active.Values;

    public bool IsActive(string actorType, string actorId) => _active.ContainsKey((actorType, actorId));

    /// <summary>Calls the actor on this host's app, in its turn; activates it here if it is not active yet.</summary>
    public async Task<ActorCallResult> CallAsync(
        string actorType, string actorId, string path, byte[]? body, string? contentType,
        IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var reentrancyId = Config.Reentrancy ? headers.FirstOrDefault(h => string.Equals(h.Key, "Dapr-Reentrancy-Id", StringComparison.OrdinalIgnoreCase)).Value : null;
        while (true)
        {
            var actor = _active.GetOrAdd((actorType, actorId), key => new ActiveActor(key.Type, key.Id, _emulator.Time.GetUtcNow()));
            actor.Enter();
            try
            {
                // A call of the same reentrant chain enters the turn its chain already holds (pkg/actors/reentrancystore).
                var reentered = reentrancyId is not null && actor.TurnReentrancyId == reentrancyId;
                if (!reentered)
                {
                    await actor.Turn.WaitAsync(linked.Token).ConfigureAwait(false);
                }

                try
                {
                    if (actor.Deactivated)
                    {
                        continue;
                    }

                    if (!reentered)
                    {
                        actor.TurnReentrancyId = reentrancyId;
                    }

                    return await Channel.SendAsync(HttpMethod.Put, path, body, contentType, headers, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    actor.LastUsed = _emulator.Time.GetUtcNow();
                    if (!reentered)
                    {
                        actor.TurnReentrancyId = null;
                        actor.Turn.Release();
                    }
                }
            }
            finally
            {
                actor.Leave();
            }
        }
    }

    /// <summary>Starts a timer of an active actor; it fires through the actor's turn until it ends or the actor goes.</summary>
    public void StartTimer(string actorType, string actorId, string name, JsonElement request)
    {
        var actor = _active.GetOrAdd((actorType, actorId), key => new ActiveActor(key.Type, key.Id, _emulator.Time.GetUtcNow()));
        var now = _emulator.Time.GetUtcNow();
        var dueText = request.TryGetProperty("dueTime", out var d) ? d.GetString() : null;
        var periodText = request.TryGetProperty("period", out var p) ? p.GetString() : null;
        if (!DaprDuration.TryParseDueTime(dueText, now, out var due))
        {
            throw ActorErrors.TimerCreate($"error parsing dueTime '{dueText}'");
        }

        if (!DaprDuration.TryParse(periodText, out var period, out var repetitions))
        {
            throw ActorErrors.TimerCreate($"error parsing period '{periodText}'");
        }

        var callback = request.TryGetProperty("callback", out var c) ? c.GetString() : null;
        var data = request.TryGetProperty("data", out var dataElement) ? dataElement.Clone() : (JsonElement?)null;
        var body = TimerBody(data, callback, dueText, periodText);
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        lock (actor.Timers)
        {
            if (actor.Timers.Remove(name, out var previous))
            {
                previous.Cancel();
            }

            actor.Timers[name] = cts;
        }

        _ = RunTimerAsync(actor, name, due - now, period, repetitions, body, cts);
    }

    public void StopTimer(string actorType, string actorId, string name)
    {
        if (_active.TryGetValue((actorType, actorId), out var actor))
        {
            lock (actor.Timers)
            {
                if (actor.Timers.Remove(name, out var timer))
                {
                    timer.Cancel();
                }
            }
        }
    }

    /// <summary>
    /// Deactivates the actor: waits for its turn (at most <paramref name="wait"/>), then DELETE {app}/actors/{type}/{id}.
    /// Without the turn it gives up, unless <paramref name="force"/> (a drain whose timeout passed).
    /// </summary>
    public async Task DeactivateAsync(ActiveActor actor, TimeSpan wait, bool force)
    {
        var gotTurn = await actor.Turn.WaitAsync(wait).ConfigureAwait(false);
        try
        {
            if (actor.Deactivated || (!gotTurn && !force))
            {
                return;
            }

            actor.Deactivated = true;
            _active.TryRemove(new KeyValuePair<(string, string), ActiveActor>((actor.ActorType, actor.ActorId), actor));
            lock (actor.Timers)
            {
                foreach (var timer in actor.Timers.Values)
                {
                    timer.Cancel();
                }

                actor.Timers.Clear();
            }

            if (!_stopping.IsCancellationRequested)
            {
                try
                {
                    await Channel.SendAsync(HttpMethod.Delete, $"actors/{Uri.EscapeDataString(actor.ActorType)}/{Uri.EscapeDataString(actor.ActorId)}",
                        null, null, [], _stopping.Token).ConfigureAwait(false);
                    _emulator.Logger.ActorDeactivated(Sidecar.AppId, actor.ActorType, actor.ActorId);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    _emulator.Logger.ActorDeactivationFailed(Sidecar.AppId, actor.ActorType, actor.ActorId, e.Message);
                }
            }
        }
        finally
        {
            if (gotTurn)
            {
                actor.Turn.Release();
            }
        }
    }

    /// <summary>Forgets every actor without calling the app (the host went away with its app).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var actor in _active.Values)
        {
            actor.Deactivated = true;
        }

        _active.Clear();
        try
        {
            await _scanLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Channel.Dispose();
    }

    private static byte[] TimerBody(JsonElement? data, string? callback, string? dueTime, string? period)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (data is { } value)
            {
                writer.WritePropertyName("data");
                value.WriteTo(writer);
            }

            if (callback is not null)
            {
                writer.WriteString("callback", callback);
            }

            writer.WriteString("dueTime", dueTime ?? string.Empty);
            writer.WriteString("period", period ?? string.Empty);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task RunTimerAsync(ActiveActor actor, string name, TimeSpan firstDelay, TimeSpan period, int repetitions, byte[] body, CancellationTokenSource cts)
    {
        try
        {
            var delay = firstDelay < TimeSpan.Zero ? TimeSpan.Zero : firstDelay;
            while (true)
            {
                await Task.Delay(delay, _emulator.Time, cts.Token).ConfigureAwait(false);
                var path = $"actors/{Uri.EscapeDataString(actor.ActorType)}/{Uri.EscapeDataString(actor.ActorId)}/method/timer/{Uri.EscapeDataString(name)}";
                try
                {
                    var result = await CallAsync(actor.ActorType, actor.ActorId, path, body, "application/json", [], cts.Token).ConfigureAwait(false);
                    _emulator.Logger.ActorTimerFired(Sidecar.AppId, actor.ActorType, actor.ActorId, name, result.Status);
                }
                catch (HttpRequestException)
                {
                    // The app did not answer; like daprd, the timer keeps its schedule.
                    _emulator.Logger.ActorTimerFired(Sidecar.AppId, actor.ActorType, actor.ActorId, name, 0);
                }

                if (repetitions > 0)
                {
                    repetitions--;
                }

                if (period <= TimeSpan.Zero || repetitions == 0)
                {
                    break;
                }

                delay = period;
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (actor.Timers)
        {
            if (actor.Timers.TryGetValue(name, out var current) && current == cts)
            {
                actor.Timers.Remove(name);
            }
        }

        cts.Dispose();
    }

    private async Task ScanAsync()
    {
        using var timer = new PeriodicTimer(Config.ScanInterval, _emulator.Time);
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
        {
            var now = _emulator.Time.GetUtcNow();
            foreach (var actor in _active.Values)
            {
                if (actor.Pending == 0 && now - actor.LastUsed > Config.IdleTimeoutOf(actor.ActorType))
                {
                    await DeactivateAsync(actor, TimeSpan.Zero, force: false).ConfigureAwait(false);
                }
            }
        }
    }
}
