using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>The running <c>McpServer</c> of a session actor's activation, with its transports.</summary>
internal sealed class LiveSession(DurableSessionTransport transport, McpServer server) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    public DurableSessionTransport Transport { get; } = transport;

    public McpServer Server { get; } = server;

    public void Start() => _running = RunAsync();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
        if (_running is { } running)
        {
            await running.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await Server.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The activation ended.
        }
        catch (ObjectDisposedException)
        {
            // The activation ended while the server was reading.
        }
    }
}
