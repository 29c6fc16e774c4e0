namespace AsyncMcp.Dapr.Client.Webhooks;

/// <summary>
/// Remembers the deliveries (id and timestamp) seen within the timestamp tolerance, so that a captured delivery
/// sent again is refused. A retry by the sender is signed afresh, with a new timestamp, and is not a replay: its
/// repeated id is then de-duplicated by the reply router instead.
/// </summary>
internal sealed class WebhookReplayGuard(int capacity, TimeSpan window, TimeProvider time)
{
    private readonly HashSet<(string Id, long Timestamp)> _seen = [];
    private readonly Queue<((string Id, long Timestamp) Key, DateTimeOffset Expires)> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Records a verified delivery; <see langword="false"/> when the same one was seen before.</summary>
    public bool TryRecord(string id, long timestamp)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            // Entries older than twice the tolerance can go: such a timestamp is refused as stale anyway.
            while (_order.Count > 0 && (_order.Peek().Expires < now || _order.Count >= capacity))
            {
                _seen.Remove(_order.Dequeue().Key);
            }

            if (!_seen.Add((id, timestamp)))
            {
                return false;
            }

            _order.Enqueue(((id, timestamp), now + (2 * window)));
            return true;
        }
    }

    /// <summary>Forgets a delivery that was not processed, so that the same request sent again is taken.</summary>
    public void Forget(string id, long timestamp)
    {
        lock (_lock)
        {
            _seen.Remove((id, timestamp));
        }
    }
}
