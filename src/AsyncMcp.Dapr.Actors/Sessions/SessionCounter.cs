using AsyncMcp.Dapr.Actors.Hosting;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Sessions;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The number of open sessions of this server app across its replicas, kept by the app's
/// <see cref="SessionCounterActor"/> (actor type <c>{ActorTypeName}Counter</c>, id = app-id).
/// </summary>
internal sealed class SessionCounter(
    IActorProxyFactory proxies,
    IOptions<DaprPubSubServerOptions> options,
    IOptions<ActorSessionOptions> sessionOptions,
    ILogger<SessionCounter> logger) : ISessionCap
{
    private readonly ActorProxy _actor = proxies.Create(new ActorId(options.Value.AppId!), ActorTypeName(sessionOptions.Value));

    /// <summary>The actor type of the counter, derived from the session actor's.</summary>
    internal static string ActorTypeName(ActorSessionOptions options) => options.ActorTypeName + "Counter";

    /// <summary>The count as stored now.</summary>
    public Task<int> ReadAsync(CancellationToken cancellationToken = default) =>
        _actor.InvokeMethodAsync<int>(nameof(ISessionCounterActor.CountAsync), cancellationToken);

    /// <summary>Takes a slot if fewer than <see cref="DaprPubSubServerOptions.MaxSessions"/> are taken.</summary>
    public Task<bool> TryReserveAsync(CancellationToken cancellationToken) =>
        _actor.InvokeMethodAsync<int, bool>(nameof(ISessionCounterActor.TryReserveAsync), options.Value.MaxSessions, cancellationToken);

    /// <summary>Gives a slot back. A failure is logged, not thrown: the count then stays one too high.</summary>
    public async Task ReleaseAsync()
    {
        try
        {
            await _actor.InvokeMethodAsync(nameof(ISessionCounterActor.ReleaseAsync)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ActorSessionLog.CounterFailed(logger, ex, ActorTypeName(sessionOptions.Value));
        }
    }
}
