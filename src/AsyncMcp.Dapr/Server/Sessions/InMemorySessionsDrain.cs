using AsyncMcp.Dapr.Hosting;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>The requests in flight in the sessions and lanes this process holds in memory, for the drain.</summary>
internal sealed class InMemorySessionsDrain(InMemorySessionHost host) : IDrainable
{
    public int InFlight => host.PendingRequests;

    public Task AbandonAsync(string reason) => host.AbandonPendingAsync(reason);
}
