using System.Collections.Concurrent;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Client;

/// <summary>Routes each reply delivered on this process's reply topic to the client connection it belongs to.</summary>
internal sealed class ReplyRouter(McpDaprMetrics metrics, ILogger<ReplyRouter> logger)
{
    private readonly ConcurrentDictionary<string, PubSubClientSessionTransport> _connections = new(StringComparer.Ordinal);
    private readonly DeduplicationWindow _seen = new(10_000);

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
