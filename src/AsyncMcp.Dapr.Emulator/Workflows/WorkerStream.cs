using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// One open GetWorkItems stream of a worker (an app replica may open several): the work items queued for it, and
/// whether it is gone (dapr/durabletask-go backend/executor.go GetWorkItems).
/// </summary>
internal sealed class WorkerStream(DaprSidecar sidecar)
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = Guid.NewGuid().ToString("N")[..8];

    public DaprSidecar Sidecar { get; } = sidecar;

    /// <summary>The placement host name of the sidecar (its gRPC address, as daprd hosts are named by address).</summary>
    public string Host => Sidecar.GrpcEndpoint.Authority;

    public Channel<WorkItem> Outbox { get; } = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes when the stream has ended.</summary>
    public Task Closed => _closed.Task;

    public void Close()
    {
        Outbox.Writer.TryComplete();
        _closed.TrySetResult();
    }
}
