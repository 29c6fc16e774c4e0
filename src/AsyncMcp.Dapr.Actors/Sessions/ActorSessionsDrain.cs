using System.Collections.Concurrent;
using AsyncMcp.Dapr.Actors.Hosting;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Sessions;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The servers of the session actors active on this replica, for the app's drain on shutdown: their requests in flight
/// are waited for, and those left at the end are answered with -32016. The sessions themselves outlive the drain (the
/// actor state store keeps them, and another replica, or this one restarted, takes each over); what the drain settles is
/// their records, so that the next owner does not answer or run again a request answered here.
/// </summary>
internal sealed class ActorSessionsDrain(
    DrainState state,
    IActorProxyFactory proxies,
    IOptions<ActorSessionOptions> options,
    ILogger<ActorSessionsDrain> logger) : IDrainable
{
    private readonly ConcurrentDictionary<string, LiveSession> _live = new(StringComparer.Ordinal);

    /// <summary>Whether the app is stopping: a session actor then takes no new request.</summary>
    public bool IsDraining => state.IsDraining;

    public int InFlight => _live.Values.Sum(live => live.Transport.PendingRequests);

    /// <summary>Counts the server of an actor activated here.</summary>
    public void Add(string sessionId, LiveSession live) => _live[sessionId] = live;

    /// <summary>Forgets the server of an actor that deactivated (or ended) here.</summary>
    public void Remove(string sessionId, LiveSession live) => _live.TryRemove(new KeyValuePair<string, LiveSession>(sessionId, live));

    public async Task AbandonAsync(string reason)
    {
        foreach (var live in _live.Values)
        {
            await live.Transport.AbandonPendingAsync(reason).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Has every actor active here save the answers it gave since its last save (those of the drain included): the
    /// answers are taken off the record only by the actor's own saves, and the replica may not deactivate its actors
    /// before it exits.
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_live.Keys.Select(async sessionId =>
        {
            try
            {
                var proxy = proxies.Create(new ActorId(sessionId), options.Value.ActorTypeName);
                await proxy.InvokeMethodAsync(nameof(ISessionActor.CompleteAsync), Array.Empty<string>(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ActorSessionLog.AnswersNotSettled(logger, ex, sessionId);
            }
        })).ConfigureAwait(false);
    }
}
