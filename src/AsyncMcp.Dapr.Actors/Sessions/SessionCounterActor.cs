using Dapr.Actors.Runtime;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The open-session count of one server app, shared by all its replicas. An actor, because the runtime gives it one
/// call at a time on one replica: every reservation is one read-modify-write without conflicts, where a compare-and-swap
/// on a shared state key made a burst of concurrent opens retry each other quadratically.
/// </summary>
internal sealed class SessionCounterActor(ActorHost host) : Actor(host), ISessionCounterActor
{
    internal const string StateKey = "count";
    internal const string ReleasedKey = "released";

    // Retries of one end come within minutes; this many ends in between is far more than that.
    private const int ReleasedWindow = 512;

    public async Task<bool> TryReserveAsync(int cap)
    {
        var count = await CountAsync();
        if (count >= cap)
        {
            return false;
        }

        await SaveAsync(count + 1);
        return true;
    }

    public async Task ReleaseAsync()
    {
        var count = await CountAsync();
        if (count > 0)
        {
            await SaveAsync(count - 1);
        }
    }

    public async Task ReleaseSessionAsync(string sessionId)
    {
        // The sessions released lately, so that a release retried after a lost reply is not counted twice.
        var recent = await StateManager.TryGetStateAsync<List<string>>(ReleasedKey);
        var released = recent.HasValue ? recent.Value : [];
        if (released.Contains(sessionId, StringComparer.Ordinal))
        {
            return;
        }

        released.Add(sessionId);
        if (released.Count > ReleasedWindow)
        {
            released.RemoveRange(0, released.Count - ReleasedWindow);
        }

        var count = await CountAsync();
        await StateManager.SetStateAsync(StateKey, Math.Max(0, count - 1));
        await StateManager.SetStateAsync(ReleasedKey, released);
        await StateManager.SaveStateAsync();
    }

    public async Task<int> CountAsync()
    {
        var value = await StateManager.TryGetStateAsync<int>(StateKey);
        return value.HasValue ? value.Value : 0;
    }

    // Saved within the call, so a reservation the caller was told about is durable before the session opens.
    private async Task SaveAsync(int count)
    {
        await StateManager.SetStateAsync(StateKey, count);
        await StateManager.SaveStateAsync();
    }
}
