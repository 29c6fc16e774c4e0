using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>One MCP session (or sessionless lane) living in this process: its server, transport and owner.</summary>
internal sealed class HostedSession(string key, string ownerAppId, InMemorySessionTransport transport, McpServer server) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The session id, or the lane key of a sessionless lane.</summary>
    public string Key { get; } = key;

    /// <summary>The app-id that opened the session; only it may use the session.</summary>
    public string OwnerAppId { get; } = ownerAppId;

    public InMemorySessionTransport Transport { get; } = transport;

    public McpServer Server { get; } = server;

    /// <summary>Runs the server until the session ends.</summary>
    public Task RunAsync() => Server.RunAsync(_stopping.Token);

    public bool IsIdle(DateTimeOffset now, TimeSpan idleTimeout) =>
        Transport.PendingRequests <= 0 && now - Transport.LastActivity > idleTimeout;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Server.DisposeAsync();
        await Transport.DisposeAsync();
        _stopping.Dispose();
    }
}
