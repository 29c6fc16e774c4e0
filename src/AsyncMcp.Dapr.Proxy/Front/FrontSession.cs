using AsyncMcp.Dapr.Proxy.Forwarding;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// One Streamable HTTP session of a 2025-11-25 client: the MCP SDK's server transport in front (POST response
/// streams, the GET stream), its own backend connection behind, and a pump between them.
/// </summary>
internal sealed class FrontSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public FrontSession(string id, StreamableHttpServerTransport transport, ProxyChannel channel, SessionEventStore? events)
    {
        Id = id;
        Events = events;
        Transport = transport;
        Channel = channel;
        _pump = Task.Run(PumpAsync);
    }

    public string Id { get; }

    public StreamableHttpServerTransport Transport { get; }

    public ProxyChannel Channel { get; }

    /// <summary>The events kept for resumption; <see langword="null"/> when resumption is off.</summary>
    public SessionEventStore? Events { get; }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var message in Transport.MessageReader.ReadAllAsync(_stop.Token))
            {
                // A dropped connection is not a cancellation for a session (the client cancels explicitly).
                await Channel.ForwardAsync(message, message.Context?.RelatedTransport, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Transport.DisposeAsync();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Channel.DisposeAsync();
        _stop.Dispose();
    }
}
