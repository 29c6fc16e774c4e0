using System.Collections.Concurrent;

namespace AsyncMcp.Dapr.Client.Tasks;

/// <summary>
/// The tasks whose end a server announced by signed webhook (see <c>MapMcpTaskWebhooks</c>): a client that asked for a
/// completion webhook when it created a task (<see cref="McpClientTaskExtensions.CallToolAsTaskAsync"/>) learns here
/// that the task ended, with its status and, for a task that completed, its result. Only verified deliveries arrive.
/// </summary>
public sealed class McpTaskWebhooks
{
    /// <summary>
    /// The <c>_meta</c> key of a task-creating <c>tools/call</c> that asks for a completion webhook; its value is a
    /// webhook reply address, <c>binding://{binding}/{path}</c>, subject to the same allow-list as webhook replies.
    /// </summary>
    public const string MetaKey = "io.github.asyncmcp-dapr/completion-webhook";

    /// <summary>
    /// The ended tasks kept for a later <see cref="WaitForTaskAsync"/> at most; past that the oldest are forgotten, so that a
    /// client that only listens to <see cref="TaskEnded"/> (and never calls <see cref="Forget"/>) does not keep every result.
    /// </summary>
    public const int MaxEndedKept = 4096;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<McpTaskInfo>> _ended = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _endedOrder = new();

    /// <summary>Raised once per verified completion webhook, on the request's thread; keep handlers short.</summary>
    public event Action<McpTaskInfo>? TaskEnded;

    /// <summary>
    /// Waits until the completion webhook of <paramref name="taskId"/> arrives, or returns it if it already has and is among
    /// the last <see cref="MaxEndedKept"/> to arrive (an older one is forgotten: read it with <c>tasks/get</c>).
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The ended task, as the server announced it.</returns>
    public Task<McpTaskInfo> WaitForTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return Slot(taskId).Task.WaitAsync(cancellationToken);
    }

    /// <summary>Forgets a task whose webhook was handled, so that the memory it holds is freed.</summary>
    /// <param name="taskId">The task.</param>
    public void Forget(string taskId) => _ended.TryRemove(taskId, out _);

    internal void Ended(McpTaskInfo task)
    {
        if (Slot(task.TaskId).TrySetResult(task))
        {
            _endedOrder.Enqueue(task.TaskId);
            ForgetOldest();
        }

        TaskEnded?.Invoke(task);
    }

    // Only ended tasks are forgotten; a slot someone still waits on stays until its webhook arrives.
    private void ForgetOldest()
    {
        while (_endedOrder.Count > MaxEndedKept && _endedOrder.TryDequeue(out var oldest))
        {
            if (_ended.TryGetValue(oldest, out var slot) && slot.Task.IsCompleted)
            {
                _ended.TryRemove(KeyValuePair.Create(oldest, slot));
            }
        }
    }

    private TaskCompletionSource<McpTaskInfo> Slot(string taskId) =>
        _ended.GetOrAdd(taskId, _ => new TaskCompletionSource<McpTaskInfo>(TaskCreationOptions.RunContinuationsAsynchronously));
}
