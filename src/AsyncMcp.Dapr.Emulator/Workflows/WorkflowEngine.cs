using System.Collections.Concurrent;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>The workflow engine of the emulated cluster: one backend per app-id, created on first use.</summary>
internal sealed class WorkflowEngine(DaprEmulator emulator) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WorkflowBackend> _backends = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Stopping => _stopping.Token;

    public WorkflowBackend For(string appId) => _backends.GetOrAdd(appId, id => new WorkflowBackend(emulator, this, id));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
    }
}
