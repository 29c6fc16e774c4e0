using System.Collections.Concurrent;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// What this process knows of tasks beyond their workflows: the cancellation of each tool run here, and the live MCP
/// session (if it is here) through which a task's progress, requests and status reach its client.
/// </summary>
internal sealed class TaskExecutions
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, McpServer> _clients = new(StringComparer.Ordinal);

    /// <summary>Starts tracking a tool run; dispose the result when the run ends.</summary>
    public Run Start(string taskId, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _runs[taskId] = source;
        return new Run(this, taskId, source);
    }

    /// <summary>Whether the tool of <paramref name="taskId"/> runs in this process now.</summary>
    public bool IsRunning(string taskId) => _runs.ContainsKey(taskId);

    /// <summary>Cancels the tool run of <paramref name="taskId"/> if it runs in this process.</summary>
    public void Cancel(string taskId)
    {
        if (_runs.TryGetValue(taskId, out var source))
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Remembers the session that created <paramref name="taskId"/>, for as long as the task runs.</summary>
    public void Attach(string taskId, McpServer client) => _clients[taskId] = client;

    /// <summary>The session that created <paramref name="taskId"/>, if it lives in this process.</summary>
    public McpServer? ClientOf(string taskId) => _clients.TryGetValue(taskId, out var client) ? client : null;

    /// <summary>Forgets the session of a task that has ended.</summary>
    public void Detach(string taskId) => _clients.TryRemove(taskId, out _);

    /// <summary>A tool run in this process.</summary>
    public sealed class Run(TaskExecutions owner, string taskId, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            owner._runs.TryRemove(new KeyValuePair<string, CancellationTokenSource>(taskId, source));
            source.Dispose();
        }
    }
}
