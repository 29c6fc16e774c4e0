using System.Collections.Concurrent;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// Keeps every session in the memory of this process. Sessions opened by <c>initialize</c> are keyed by session id;
/// sessionless (2026-07-28) traffic runs in one lane per client connection, so that a multi-round-trip request that
/// carries <c>requestState</c> finds the server that issued it. Idle sessions and lanes are ended by
/// <see cref="SweepAsync"/>, which a hosted service calls.
/// </summary>
internal sealed class InMemorySessionHost : IMcpSessionHost, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HostedSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostedSession> _lanes = new(StringComparer.Ordinal);
    private readonly DaprPubSubServerOptions _options;
    private readonly McpServerOptions _serverOptions;
    private readonly SessionOutboxFactory _outboxes;
    private readonly SessionRefusals _refusals;
    private readonly InMemorySessionCap _cap;
    private readonly TimeProvider _time;
    private readonly McpDaprMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly DeduplicationWindow _seen;
    private readonly Lock _laneLock = new();
    private readonly DrainState _drain;

    public InMemorySessionHost(
        IOptions<DaprPubSubServerOptions> options,
        IOptions<McpServerOptions> serverOptions,
        SessionOutboxFactory outboxes,
        SessionRefusals refusals,
        InMemorySessionCap cap,
        DrainState drain,
        TimeProvider time,
        McpDaprMetrics metrics,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        _options = options.Value;
        _serverOptions = serverOptions.Value;
        _outboxes = outboxes;
        _refusals = refusals;
        _cap = cap;
        _drain = drain;
        _time = time;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _services = services;
        _logger = loggerFactory.CreateLogger<InMemorySessionHost>();
        _seen = new DeduplicationWindow(_options.DeduplicationCapacity);
    }

    public int OpenSessions => _sessions.Count;

    /// <summary>Requests taken by the sessions and lanes of this process and not answered yet.</summary>
    public int PendingRequests => _sessions.Values.Concat(_lanes.Values).Sum(session => session.Transport.PendingRequests);

    /// <summary>Answers every request still unanswered in every session and lane with an error (the drain ran out).</summary>
    public async Task AbandonPendingAsync(string reason)
    {
        foreach (var session in _sessions.Values.Concat(_lanes.Values))
        {
            await session.Transport.AbandonPendingAsync(reason);
        }
    }

    public async Task<DeliveryStatus> DispatchAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!_seen.TryAdd(envelope.Id))
        {
            Log.DuplicateEvent(_logger, envelope.Id, envelope.SessionId);
            _metrics.Redelivered();
            return DeliveryStatus.Success;
        }

        try
        {
            if (_drain.IsDraining && envelope.Message is JsonRpcRequest)
            {
                // Stopping: the requests in flight may finish, a new one is answered at once rather than cut off later.
                await _refusals.ShuttingDownAsync(_logger, envelope, cancellationToken);
                return DeliveryStatus.Success;
            }

            if (await ResolveAsync(envelope, cancellationToken) is not { } session)
            {
                return DeliveryStatus.Success;
            }

            // An initialize opened the session just now: its id joins the lines written while the server handles it.
            using var scope = envelope.SessionId is null && session.Transport.SessionId is { } opened
                ? Log.BeginSessionScope(_logger, opened)
                : null;
            await session.Transport.DeliverAsync(envelope.Message!, cancellationToken);
            return DeliveryStatus.Success;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not handed over: forget the id so that the redelivery is processed.
            _seen.Remove(envelope.Id);
            Log.RetryingEvent(_logger, envelope.Id, envelope.SessionId, ex.Message);
            return DeliveryStatus.Retry;
        }
    }

    public async Task<DeliveryStatus> CloseAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(envelope.SessionId!, out var session))
        {
            if (session.OwnerAppId != envelope.Source)
            {
                // A close is a notification: nobody is answered.
                await _refusals.ForbiddenAsync(_logger, envelope, session.Key, session.OwnerAppId, cancellationToken);
                return DeliveryStatus.Success;
            }

            await EndAsync(_sessions, session, "closed by the client", envelope.Id);
        }

        return DeliveryStatus.Success;
    }

    /// <summary>Ends every session and lane idle for longer than <see cref="DaprPubSubServerOptions.SessionIdleTimeout"/>.</summary>
    public async Task SweepAsync()
    {
        var now = _time.GetUtcNow();
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

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await EndAsync(_sessions, session, "the server is stopping");
        }

        foreach (var lane in _lanes.Values)
        {
            await EndAsync(_lanes, lane, "the server is stopping");
        }
    }

    private async Task<HostedSession?> ResolveAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.SessionId is { } sessionId)
        {
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                await _refusals.NotFoundAsync(_logger, envelope, sessionId, cancellationToken);
                return null;
            }

            if (session.OwnerAppId != envelope.Source)
            {
                await _refusals.ForbiddenAsync(_logger, envelope, sessionId, session.OwnerAppId, cancellationToken);
                return null;
            }

            return session;
        }

        if (envelope.Message is JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            return await OpenAsync(envelope, cancellationToken);
        }

        var laneKey = $"{envelope.Source}|{envelope.ReplyTo}|{envelope.Connection}";
        if (_lanes.TryGetValue(laneKey, out var lane))
        {
            return lane;
        }

        // The lane key is chosen by the client (its connection): the number of lanes is bounded like the sessions.
        if (_lanes.Count >= _options.MaxSessionlessLanes)
        {
            await _refusals.LanesFullAsync(_logger, envelope, cancellationToken);
            return null;
        }

        // One server per lane: a GetOrAdd factory may run twice for one key and would start a server nobody ends.
        lock (_laneLock)
        {
            if (!_lanes.TryGetValue(laneKey, out lane))
            {
                lane = Start(_lanes, laneKey, sessionId: null, envelope);
                _lanes[laneKey] = lane;
            }

            return lane;
        }
    }

    private async Task<HostedSession?> OpenAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!await _cap.TryReserveAsync(cancellationToken))
        {
            await _refusals.CapReachedAsync(_logger, envelope, cancellationToken);
            return null;
        }

        var sessionId = SessionIds.Create();
        var session = Start(_sessions, sessionId, sessionId, envelope);
        _sessions[sessionId] = session;
        SessionLog.SessionOpened(_logger, sessionId, envelope.Source, envelope.Id);
        return session;
    }

    private HostedSession Start(ConcurrentDictionary<string, HostedSession> registry, string key, string? sessionId, McpEnvelope envelope)
    {
        var transport = new InMemorySessionTransport(_outboxes, sessionId, envelope, _time, _loggerFactory);
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
            SessionLog.SessionFailed(_logger, ex, session.Transport.SessionId, session.Key);
        }
        finally
        {
            await EndAsync(registry, session, "its server stopped");
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
            // Lanes are not sessions: their end is not logged, and they take no slot of the cap.
            await _cap.ReleaseAsync();
            SessionLog.SessionEnded(_logger, sessionId, reason, messageId);
        }

        await session.DisposeAsync();
    }
}
