using System.Collections.Concurrent;
using System.Security.Cryptography;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Diagnostics;
using AsyncMcp.Dapr.Proxy.Forwarding;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>The open front sessions of this proxy instance, by <c>Mcp-Session-Id</c>, up to <see cref="ProxyOptions.MaxSessions"/>.</summary>
internal sealed class FrontSessionRegistry(IBackendConnector connector, IOptions<ProxyOptions> options, TimeProvider time, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FrontSession> _sessions = new(StringComparer.Ordinal);
    private readonly ProxyOptions _options = options.Value;
    private readonly ILogger _logger = loggerFactory.CreateLogger<FrontSessionRegistry>();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Opens a session with its own backend connection; <see langword="null"/> when the cap is reached.</summary>
    public async Task<FrontSession?> OpenAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _count) > _options.MaxSessions)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }

        try
        {
            // 128 random bits: a session id cannot be guessed.
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var events = _options.ResumableEventsPerSession > 0
                ? new SessionEventStore(id, _options.ResumableEventsPerSession, _options.ResumableBytesPerSession, _options.StreamRetryInterval)
                : null;
#pragma warning disable MCP9006 // Obsolete for the SDK's own stateful server only; 2025-11-25 clients resume streams with it.
            var transport = new StreamableHttpServerTransport(loggerFactory) { SessionId = id, EventStreamStore = events };
#pragma warning restore MCP9006
            var backend = await connector.ConnectAsync(cancellationToken);
            var channel = new ProxyChannel(backend, _options.RequestTimeout, time, loggerFactory.CreateLogger<ProxyChannel>()) { SessionStream = transport, FrontSessionId = id };
            channel.BackendSessionLost = () =>
            {
                Close(id, "the MCP server no longer knows the session");
                return Task.CompletedTask;
            };
            var session = new FrontSession(id, transport, channel, events);
            _sessions[id] = session;
            Log.SessionOpened(_logger, id, Count);
            return session;
        }
        catch
        {
            Interlocked.Decrement(ref _count);
            throw;
        }
    }

    public bool TryGet(string id, out FrontSession session) => _sessions.TryGetValue(id, out session!);

    /// <summary>Forgets the session at once (its id answers 404 from now on) and releases it in the background.</summary>
    public bool Close(string id, string reason)
    {
        if (!_sessions.TryRemove(id, out var session))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        Log.SessionClosed(_logger, id, session.Channel.BackendSessionId, reason);
        _ = Task.Run(async () => await session.DisposeAsync());
        return true;
    }

    /// <summary>Closes the sessions with nothing in flight and no traffic for longer than the idle timeout.</summary>
    public void CloseIdle(DateTimeOffset now)
    {
        foreach (var session in _sessions.Values)
        {
            if (session.Channel.InFlight == 0 && now - session.Channel.LastActivity > _options.SessionIdleTimeout)
            {
                Close(session.Id, "idle");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out var session))
            {
                await session.DisposeAsync();
            }
        }
    }
}
