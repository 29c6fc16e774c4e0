namespace AsyncMcp.Dapr.Wire;

/// <summary>A bounded set of recently seen event ids: the oldest id is forgotten when the window is full.</summary>
internal sealed class DeduplicationWindow(int capacity)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Records <paramref name="id"/>; returns <see langword="false"/> when it was already in the window.</summary>
    public bool TryAdd(string id)
    {
        lock (_lock)
        {
            if (!_seen.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }

    /// <summary>Forgets <paramref name="id"/>, so that a redelivery of an event that failed is processed again.</summary>
    public void Remove(string id)
    {
        lock (_lock)
        {
            // The id stays in the queue; removing it from the set is enough for correctness.
            _seen.Remove(id);
        }
    }
}
