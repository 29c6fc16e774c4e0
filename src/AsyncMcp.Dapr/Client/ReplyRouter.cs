using System.Collections.Concurrent;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Dapr.Client;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Client;

/// <summary>Routes each reply delivered on this process's reply topic to the client connection it belongs to.</summary>
internal sealed class ReplyRouter(DrainState drain, DaprClient dapr, McpDaprMetrics metrics, ILogger<ReplyRouter> logger)
{
    private readonly ConcurrentDictionary<string, PubSubClientSessionTransport> _connections = new(StringComparer.Ordinal);
    private readonly DeduplicationWindow _seen = new(10_000);
    // Set once the sidecar has attached, or once the wait for it ran out: after that no request waits again.
    private volatile bool _waitOver;

    /// <summary>The longest a first request waits for the sidecar to finish attaching to the app.</summary>
    internal static readonly TimeSpan SubscriptionWait = TimeSpan.FromSeconds(30);

    /// <summary>Whether the app is stopping: its connections send no new requests.</summary>
    public bool IsDraining => drain.IsDraining;

    /// <summary>Requests the open connections sent and have not heard back on.</summary>
    public int PendingRequests => _connections.Values.Sum(connection => connection.PendingRequests);

    /// <summary>Ends every request still awaiting its answer with an error (the drain ran out).</summary>
    public async Task AbandonPendingAsync(string reason)
    {
        foreach (var connection in _connections.Values)
        {
            await connection.AbandonPendingAsync(reason);
        }
    }

    /// <summary>
    /// Waits, before the app's first request, until its sidecar has read the app's subscriptions and delivers replies:
    /// daprd's <c>/v1.0/healthz</c> answers 204 only then (dapr/dapr pkg/api/http/http.go), while its outbound health
    /// answers as soon as its APIs are up. A request sent in that gap would have its answer published to a reply topic
    /// nobody delivers yet. A sidecar that does not answer at all is not waited for: the publish then fails at once.
    /// </summary>
    public async Task WaitUntilSubscribedAsync(CancellationToken cancellationToken)
    {
        if (_waitOver)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(SubscriptionWait);
        try
        {
            while (!await dapr.CheckHealthAsync(limit.Token).ConfigureAwait(false))
            {
                if (!await dapr.CheckOutboundHealthAsync(limit.Token).ConfigureAwait(false))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), limit.Token).ConfigureAwait(false);
            }

            _waitOver = true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Waited once, in vain: every later request would otherwise wait the whole period again.
            _waitOver = true;
            Log.SidecarNotSubscribed(logger, SubscriptionWait);
        }
    }

    public void Register(PubSubClientSessionTransport connection) => _connections[connection.Connection] = connection;

    public void Unregister(PubSubClientSessionTransport connection) => _connections.TryRemove(connection.Connection, out _);

    public async Task<DeliveryStatus> RouteAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Connection is null || !_connections.TryGetValue(envelope.Connection, out var connection))
        {
            Log.ReplyForUnknownConnection(logger, envelope.Id, envelope.SessionId, envelope.Connection);
            metrics.Dropped(DropReasons.UnknownConnection, envelope.Topic);
            return DeliveryStatus.Drop;
        }

        if (!_seen.TryAdd(envelope.Id))
        {
            Log.DuplicateEvent(logger, envelope.Id, envelope.SessionId);
            metrics.Redelivered();
            return DeliveryStatus.Success;
        }

        try
        {
            await connection.ReceiveAsync(envelope, cancellationToken);
            return DeliveryStatus.Success;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _seen.Remove(envelope.Id);
            Log.RetryingEvent(logger, envelope.Id, envelope.SessionId, ex.Message);
            return DeliveryStatus.Retry;
        }
    }
}
