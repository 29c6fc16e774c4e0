using System.Collections.Concurrent;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Transports;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Sessions;

/// <summary>
/// Keeps every session in the memory of this process. Sessions opened by <c>initialize</c> are keyed by session id;
/// sessionless (2026-07-28) traffic runs in one lane per client connection, so that a multi-round-trip request that
/// carries <c>requestState</c> finds the server that issued it.
/// </summary>
internal sealed class InMemorySessionHost : IMcpSessionHost, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HostedSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostedSession> _lanes = new(StringComparer.Ordinal);
    private readonly DaprPubSubServerOptions _options;
    private readonly McpServerOptions _serverOptions;
    private readonly ServerSessionTransportFactory _transports;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly DeduplicationWindow _seen;
    private readonly ErrorReplies _errors;
    private readonly Timer _sweeper;
    private readonly Lock _openLock = new();

    public InMemorySessionHost(
        IOptions<DaprPubSubServerOptions> options,
        IOptions<McpServerOptions> serverOptions,
        ServerSessionTransportFactory transports,
        ReplySenders senders,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        _options = options.Value;
        _serverOptions = serverOptions.Value;
        _transports = transports;
        _loggerFactory = loggerFactory;
        _services = services;
        _logger = loggerFactory.CreateLogger<InMemorySessionHost>();
        _seen = new DeduplicationWindow(_options.DeduplicationCapacity);
        _errors = new ErrorReplies(senders, _options.AppId!, _logger);
        var period = TimeSpan.FromTicks(Math.Clamp(_options.SessionIdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(30).Ticks));
        _sweeper = new Timer(_ => _ = SweepAsync(), null, period, period);
        Telemetry.ObserveOpenSessions(() => _sessions.Count);
    }

    public int OpenSessions => _sessions.Count;

    public async Task<DeliveryStatus> DispatchAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!_seen.TryAdd(envelope.Id))
        {
            Transports.Log.DuplicateEvent(_logger, envelope.Id, envelope.SessionId);
            Telemetry.Redelivered.Add(1);
            return DeliveryStatus.Success;
        }

        try
        {
            var session = Resolve(envelope, out var refusal);
            if (session is null)
            {
                if (refusal is { } error)
                {
                    await _errors.SendAsync(envelope, error.Code, error.Message, cancellationToken);
                }

                return DeliveryStatus.Success;
            }

            // An initialize opened the session just now: its id joins the lines written while the server handles it.
            using var scope = envelope.SessionId is null && session.Transport.SessionId is { } opened
                ? Transports.Log.BeginSessionScope(_logger, opened)
                : null;
            await session.Transport.DeliverAsync(envelope.Message!, cancellationToken);
            return DeliveryStatus.Success;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not handed over: forget the id so that the redelivery is processed.
            _seen.Remove(envelope.Id);
            Transports.Log.RetryingEvent(_logger, envelope.Id, envelope.SessionId, ex.Message);
            return DeliveryStatus.Retry;
        }
    }

    public async Task<DeliveryStatus> CloseAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(envelope.SessionId!, out var session))
        {
            if (session.OwnerAppId != envelope.Source)
            {
                Log.ForeignSession(_logger, envelope.Id, envelope.Source, session.Key, session.OwnerAppId);
                Telemetry.Dropped(DropReasons.SessionForbidden, envelope.Topic);
                return DeliveryStatus.Success;
            }

            await EndAsync(_sessions, session, "closed by the client", envelope.Id);
        }

        return DeliveryStatus.Success;
    }

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync();
        foreach (var session in _sessions.Values)
        {
            await EndAsync(_sessions, session, "the server is stopping");
        }

        foreach (var lane in _lanes.Values)
        {
            await EndAsync(_lanes, lane, "the server is stopping");
        }
    }

    private HostedSession? Resolve(McpEnvelope envelope, out (int Code, string Message)? refusal)
    {
        refusal = null;
        if (envelope.SessionId is { } sessionId)
        {
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                Log.UnknownSession(_logger, envelope.Id, sessionId);
                Telemetry.Dropped(DropReasons.UnknownSession, envelope.Topic);
                refusal = (McpWireErrorCodes.SessionNotFound, $"Session '{sessionId}' does not exist, was closed or has expired. Initialize a new session.");
                return null;
            }

            if (session.OwnerAppId != envelope.Source)
            {
                Log.ForeignSession(_logger, envelope.Id, envelope.Source, sessionId, session.OwnerAppId);
                Telemetry.Dropped(DropReasons.SessionForbidden, envelope.Topic);
                refusal = (McpWireErrorCodes.SessionForbidden, $"Session '{sessionId}' belongs to another app.");
                return null;
            }

            return session;
        }

        if (envelope.Message is JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            return Open(envelope, out refusal);
        }

        var laneKey = $"{envelope.Source}|{envelope.ReplyTo}|{envelope.Connection}";
        return _lanes.GetOrAdd(laneKey, key => Start(_lanes, key, sessionId: null, envelope));
    }

    private HostedSession? Open(McpEnvelope envelope, out (int Code, string Message)? refusal)
    {
        refusal = null;
        lock (_openLock)
        {
            if (_sessions.Count >= _options.MaxSessions)
            {
                Log.SessionCapReached(_logger, envelope.Id, envelope.Source, _sessions.Count, _options.MaxSessions);
                Telemetry.Dropped(DropReasons.TooManySessions, envelope.Topic);
                refusal = (McpWireErrorCodes.TooManySessions, $"The server has reached its limit of {_options.MaxSessions} open sessions. Try again later.");
                return null;
            }

            var sessionId = SessionIds.Create();
            var session = Start(_sessions, sessionId, sessionId, envelope);
            _sessions[sessionId] = session;
            Log.SessionOpened(_logger, sessionId, envelope.Source, envelope.Id);
            return session;
        }
    }

    private HostedSession Start(ConcurrentDictionary<string, HostedSession> registry, string key, string? sessionId, McpEnvelope envelope)
    {
        var transport = _transports.Create(sessionId, envelope);
        var server = McpServer.Create(transport, _serverOptions, _loggerFactory, _services);
        var session = new HostedSession(key, envelope.Source, transport, server);
        _ = RunAsync(registry, session);
        return session;
    }

    private async Task RunAsync(ConcurrentDictionary<string, HostedSession> registry, HostedSession session)
    {
        try
        {
            await session.RunAsync();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.SessionFailed(_logger, ex, session.Transport.SessionId, session.Key);
        }
        finally
        {
            await EndAsync(registry, session, "its server stopped");
        }
    }

    private async Task SweepAsync()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var registry in (ConcurrentDictionary<string, HostedSession>[])[_sessions, _lanes])
        {
            foreach (var session in registry.Values)
            {
                if (session.IsIdle(now, _options.SessionIdleTimeout))
                {
                    await EndAsync(registry, session, "idle for longer than " + _options.SessionIdleTimeout);
                }
            }
        }
    }

    private async Task EndAsync(ConcurrentDictionary<string, HostedSession> registry, HostedSession session, string reason, string? messageId = null)
    {
        if (!registry.TryRemove(new KeyValuePair<string, HostedSession>(session.Key, session)))
        {
            return;
        }

        if (session.Transport.SessionId is { } sessionId)
        {
            // Lanes are not sessions: their end is not logged.
            Log.SessionEnded(_logger, sessionId, reason, messageId);
        }
        await session.DisposeAsync();
    }
}
