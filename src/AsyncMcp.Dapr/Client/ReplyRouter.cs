using System.Collections.Concurrent;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Client;

/// <summary>Routes each reply delivered on this process's reply topic to the client connection it belongs to.</summary>
internal sealed class ReplyRouter(DrainState drain, ILogger<ReplyRouter> logger)
{
    private readonly ConcurrentDictionary<string, PubSubClientSessionTransport> _connections = new(StringComparer.Ordinal);
    private readonly DeduplicationWindow _seen = new(10_000);

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

    public void Register(PubSubClientSessionTransport connection) => _connections[connection.Connection] = connection;

    public void Unregister(PubSubClientSessionTransport connection) => _connections.TryRemove(connection.Connection, out _);

    public async Task<DeliveryStatus> RouteAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Connection is null || !_connections.TryGetValue(envelope.Connection, out var connection))
        {
            Log.ReplyForUnknownConnection(logger, envelope.Id, envelope.SessionId, envelope.Connection);
            Telemetry.Dropped(DropReasons.UnknownConnection, envelope.Topic);
            return DeliveryStatus.Drop;
        }

        if (!_seen.TryAdd(envelope.Id))
        {
            Log.DuplicateEvent(logger, envelope.Id, envelope.SessionId);
            Telemetry.Redelivered.Add(1);
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
