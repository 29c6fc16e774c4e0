using AsyncMcp.Dapr.Hosting;

namespace AsyncMcp.Dapr.Client;

/// <summary>The requests this process's client connections sent and await answers to, for the drain.</summary>
internal sealed class ClientConnectionsDrain(ReplyRouter router) : IDrainable
{
    public int InFlight => router.PendingRequests;

    public Task AbandonAsync(string reason) => router.AbandonPendingAsync(reason);
}
