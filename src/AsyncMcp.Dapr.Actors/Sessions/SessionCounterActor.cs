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
