using System.Collections.Concurrent;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Forwarding;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// Backend connections for sessionless (2026-07-28) requests. Each serves one front request at a time, so that
/// everything the server sends on it belongs to that request; ids are remapped by the channel, so a late answer to
/// an earlier request on the same connection is dropped rather than misdelivered.
/// </summary>
internal sealed class SessionlessChannelPool(IBackendConnector connector, IOptions<ProxyOptions> options, TimeProvider time, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ConcurrentBag<ProxyChannel> _idle = [];

    public async Task<ProxyChannel> RentAsync(CancellationToken cancellationToken) =>
        _idle.TryTake(out var channel)
            ? channel
            : new ProxyChannel(await connector.ConnectAsync(cancellationToken), options.Value.RequestTimeout, time, loggerFactory.CreateLogger<ProxyChannel>());

    public async Task ReturnAsync(ProxyChannel channel)
    {
        // Each idle connection is a lane the server keeps until its idle timeout: keep as many as the options say.
        if (channel.InFlight == 0 && _idle.Count < options.Value.MaxIdleBackendConnections)
        {
            _idle.Add(channel);
            return;
        }

        await channel.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var channel))
        {
            await channel.DisposeAsync();
        }
    }
}
