using AsyncMcp.Dapr.Emulator.Actors;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Where an app's workflow and activity actors run: daprd registers the internal actor types when a worker connects
/// its work-item stream and unregisters them when the last one goes (dapr/dapr pkg/runtime/wfengine/backends/actors
/// RegisterActors/UnRegisterActors), so the placement ring holds the replicas that have at least one stream. An actor
/// id is placed on the ring like any actor (pkg/placement/hashing), then its work items go to that replica's streams
/// in turn.
/// </summary>
internal sealed class WorkflowPlacement
{
    private readonly Lock _gate = new();
    private readonly ConsistentHashRing _ring = new();
    private readonly Dictionary<string, List<WorkerStream>> _streams = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    /// <summary>Raised (outside the lock) when the last replica leaves, or the first one joins.</summary>
    public event Action<bool>? HostsPresenceChanged;

    public int HostCount
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    public void Add(WorkerStream stream)
    {
        bool first;
        lock (_gate)
        {
            first = _streams.Count == 0;
            if (!_streams.TryGetValue(stream.Host, out var list))
            {
                _streams[stream.Host] = list = [];
                _ring.Add(stream.Host);
            }

            list.Add(stream);
            Signal();
        }

        if (first)
        {
            HostsPresenceChanged?.Invoke(true);
        }
    }

    public void Remove(WorkerStream stream)
    {
        bool last = false;
        lock (_gate)
        {
            if (_streams.TryGetValue(stream.Host, out var list) && list.Remove(stream) && list.Count == 0)
            {
                _streams.Remove(stream.Host);
                _ring.Remove(stream.Host);
                last = _streams.Count == 0;
            }

            Signal();
        }

        if (last)
        {
            HostsPresenceChanged?.Invoke(false);
        }
    }

    /// <summary>The stream to send the actor's next work item to, or null and a task that completes when the hosts change.</summary>
    public (WorkerStream? Stream, Task Changed) Pick(string actorId)
    {
        lock (_gate)
        {
            if (_ring.Get(actorId) is { } host && _streams.TryGetValue(host, out var list) && list.Count > 0)
            {
                return (list[(int)((uint)_next++ % (uint)list.Count)], _changed.Task);
            }

            return (null, _changed.Task);
        }
    }

    /// <summary>The replica (placement host) the actor is placed on now, or null.</summary>
    public string? HostOf(string actorId)
    {
        lock (_gate)
        {
            return _ring.Get(actorId);
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
