using AsyncMcp.Dapr.Actors.Hosting;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Wire;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// Hosts sessions as Dapr actors (<see cref="SessionActor"/>): whichever replica the sidecar delivers a message to
/// hands it to the session's actor and answers the sidecar SUCCESS only once the actor has recorded it; the actor
/// runtime runs the actor on exactly one replica. Sessionless (2026-07-28) traffic is served here, in memory, without
/// an actor.
/// </summary>
internal sealed class ActorSessionHost : IMcpSessionHost, IAsyncDisposable
{
    private readonly InMemorySessionHost _sessionless;
    private readonly IActorProxyFactory _proxies;
    private readonly ISessionCap _cap;
    private readonly SessionRefusals _refusals;
    private readonly ActorSessionOptions _sessionOptions;
    private readonly ILogger _logger;

    public ActorSessionHost(
        InMemorySessionHost sessionless,
        IActorProxyFactory proxies,
        ISessionCap cap,
        SessionRefusals refusals,
        IOptions<ActorSessionOptions> sessionOptions,
        ILogger<ActorSessionHost> logger)
    {
        _sessionless = sessionless;
        _proxies = proxies;
        _cap = cap;
        _refusals = refusals;
        _sessionOptions = sessionOptions.Value;
        _logger = logger;
    }

    /// <summary>Sessions are counted across replicas in the state store; this is the sessionless lanes of this replica.</summary>
    public int OpenSessions => _sessionless.OpenSessions;

    public async Task<DeliveryStatus> DispatchAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        // A replica that drains still hands session messages to their actors: a session living on another replica serves
        // them as ever, one living here refuses new requests (SessionOutcome.ShuttingDown). Sessionless requests are
        // refused by the in-memory host.
        if (envelope.SessionId is { } sessionId)
        {
            return await CallAsync(envelope, sessionId, nameof(ISessionActor.DeliverAsync), cancellationToken);
        }

        if (envelope.Message is JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            return await OpenAsync(envelope, cancellationToken);
        }

        return await _sessionless.DispatchAsync(envelope, cancellationToken);
    }

    public Task<DeliveryStatus> CloseAsync(McpEnvelope envelope, CancellationToken cancellationToken) =>
        CallAsync(envelope, envelope.SessionId!, nameof(ISessionActor.CloseAsync), cancellationToken);

    public ValueTask DisposeAsync() => _sessionless.DisposeAsync();

    private async Task<DeliveryStatus> OpenAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        bool reserved;
        try
        {
            reserved = await _cap.TryReserveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ActorSessionLog.CounterFailed(_logger, ex, SessionCounter.ActorTypeName(_sessionOptions));
            return DeliveryStatus.Retry;
        }

        if (!reserved)
        {
            await _refusals.CapReachedAsync(_logger, envelope, cancellationToken);
            return DeliveryStatus.Success;
        }

        var sessionId = SessionIds.ForInitialize(envelope);

        // The initialize event names no session; the one it opens joins its lines from here on.
        using var scope = Diagnostics.Log.BeginSessionScope(_logger, sessionId);
        return await CallAsync(envelope, sessionId, nameof(ISessionActor.OpenAsync), cancellationToken, releaseUnlessAccepted: true);
    }

    private async Task<DeliveryStatus> CallAsync(
        McpEnvelope envelope, string sessionId, string method, CancellationToken cancellationToken, bool releaseUnlessAccepted = false)
    {
        var delivery = new SessionDelivery
        {
            EventId = envelope.Id,
            Source = envelope.Source,
            ReplyTo = envelope.ReplyTo?.ToString(),
            Connection = envelope.Connection,
            Message = envelope.Message is { } message ? SessionMessages.Write(message) : null,
        };

        SessionOutcome outcome;
        try
        {
            var proxy = _proxies.Create(new ActorId(sessionId), _sessionOptions.ActorTypeName);
            outcome = await proxy.InvokeMethodAsync<SessionDelivery, SessionOutcome>(method, delivery, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not recorded (or not known to be): the sidecar delivers it again, and the actor drops it if it was.
            ActorSessionLog.ActorCallFailed(_logger, ex, envelope.Id, sessionId);
            if (releaseUnlessAccepted)
            {
                await _cap.ReleaseAsync();
            }

            return DeliveryStatus.Retry;
        }

        if (releaseUnlessAccepted && outcome != SessionOutcome.Accepted)
        {
            await _cap.ReleaseAsync();
        }

        switch (outcome)
        {
            case SessionOutcome.NotFound:
                await _refusals.NotFoundAsync(_logger, envelope, sessionId, cancellationToken);
                break;
            case SessionOutcome.ShuttingDown:
                // The replica the session lives on is stopping.
                await _refusals.ShuttingDownAsync(_logger, envelope, cancellationToken);
                break;
            case SessionOutcome.Forbidden:
                // The actor logged the refusal: only it knows the owner.
                await _refusals.ForbiddenAsync(_logger, envelope, sessionId, ownerAppId: null, cancellationToken);
                break;
        }

        return DeliveryStatus.Success;
    }
}
