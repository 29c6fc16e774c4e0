using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// One open GetWorkItems stream of a worker (an app replica may open several): the work items queued for it, and
/// whether it is gone (dapr/durabletask-go backend/executor.go GetWorkItems).
/// </summary>
internal sealed class WorkerStream(DaprSidecar sidecar, bool statefulHistory)
{
    private const int MaxWarm = 10_000;
    private readonly Dictionary<string, int> _warm = new(StringComparer.Ordinal);

    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = Guid.NewGuid().ToString("N")[..8];

    public DaprSidecar Sidecar { get; } = sidecar;

    /// <summary>The placement host name of the sidecar (its gRPC address, as daprd hosts are named by address).</summary>
    public string Host => Sidecar.GrpcEndpoint.Authority;

    public Channel<WorkItem> Outbox { get; } = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes when the stream has ended.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// For a worker that keeps instance histories between turns (WORKER_CAPABILITY_STATEFUL_HISTORY), sends only the
    /// committed events it does not hold yet, with their count (dapr/durabletask-go backend/executor_stateful.go
    /// applyStatefulHistory); any other request is sent whole.
    /// </summary>
    public WorkflowRequest ForWorker(WorkflowRequest request)
    {
        if (!statefulHistory)
        {
            return request;
        }

        lock (_warm)
        {
            var pastLength = request.PastEvents.Count;
            var sent = request;
            if (_warm.TryGetValue(request.InstanceId, out var held) && held > 0 && held <= pastLength)
            {
                sent = request.Clone();
                sent.PastEvents.Clear();
                sent.PastEvents.AddRange(request.PastEvents.Skip(held));
                sent.CachedHistory = new CachedHistory { EventCount = held };
            }

            _warm[request.InstanceId] = pastLength;
            if (_warm.Count > MaxWarm)
            {
                // Dropping an entry only costs one full send.
                _warm.Remove(_warm.Keys.First(k => k != request.InstanceId));
            }

            return sent;
        }
    }

    public void Close()
    {
        Outbox.Writer.TryComplete();
        _closed.TrySetResult();
    }
}
