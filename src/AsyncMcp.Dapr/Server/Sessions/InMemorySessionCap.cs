using AsyncMcp.Dapr.Hosting;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>The session cap of one replica: a counter in memory.</summary>
internal sealed class InMemorySessionCap(IOptions<DaprPubSubServerOptions> options) : ISessionCap
{
    private int _open;

    /// <summary>The slots taken now.</summary>
    public int Open => Volatile.Read(ref _open);

    public Task<bool> TryReserveAsync(CancellationToken cancellationToken)
    {
        var cap = options.Value.MaxSessions;
        var open = Volatile.Read(ref _open);
        while (open < cap)
        {
            var seen = Interlocked.CompareExchange(ref _open, open + 1, open);
            if (seen == open)
            {
                return Task.FromResult(true);
            }

            open = seen;
        }

        return Task.FromResult(false);
    }

    public Task ReleaseAsync()
    {
        Interlocked.Decrement(ref _open);
        return Task.CompletedTask;
    }
}
