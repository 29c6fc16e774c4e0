using System.Text.Json;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// An open <c>subscriptions/listen</c> stream that asked for a task's <c>notifications/tasks</c> (SEP-2663): where
/// its messages go, so that the replica running the task reaches it, wherever the stream is held.
/// </summary>
/// <param name="SubscriptionId">The id of the listen request (a JSON string or number), which every notification carries in <c>_meta</c>.</param>
/// <param name="ReplyTo">The reply address of the listening client.</param>
/// <param name="SessionId">Its session, if any.</param>
/// <param name="Connection">Its client connection.</param>
internal sealed record TaskListener(JsonElement SubscriptionId, string ReplyTo, string? SessionId, string? Connection)
{
    /// <summary>Whether this is the same stream as <paramref name="other"/>.</summary>
    public bool IsSameStream(TaskListener other) =>
        SubscriptionId.GetRawText() == other.SubscriptionId.GetRawText() && ReplyTo == other.ReplyTo &&
        SessionId == other.SessionId && Connection == other.Connection;
}

/// <summary>
/// The listen streams of each task, in the Dapr state store (key <c>mcp-task-listeners-&lt;taskId&gt;</c>), so that
/// the notify activity finds them on any replica. Written with ETags: several streams may start or end at once.
/// </summary>
internal sealed class TaskListeners(DaprClient dapr, IOptions<DaprTasksOptions> options)
{
    private const string KeyPrefix = "mcp-task-listeners-";
    private const int Attempts = 8;

    /// <summary>The streams listening to the task now.</summary>
    public async Task<IReadOnlyList<TaskListener>> ListAsync(string taskId, CancellationToken cancellationToken) =>
        await dapr.GetStateAsync<List<TaskListener>>(options.Value.StateStoreName, KeyOf(taskId), cancellationToken: cancellationToken) ?? [];

    /// <summary>Adds a stream to the task's listeners.</summary>
    public Task AddAsync(string taskId, TaskListener listener, CancellationToken cancellationToken) =>
        ChangeAsync(taskId, list => list.Any(l => l.IsSameStream(listener)) ? null : [.. list, listener], cancellationToken);

    /// <summary>Removes a stream that ended from the task's listeners.</summary>
    public Task RemoveAsync(string taskId, TaskListener listener, CancellationToken cancellationToken) =>
        ChangeAsync(taskId, list => list.Any(l => l.IsSameStream(listener)) ? [.. list.Where(l => !l.IsSameStream(listener))] : null, cancellationToken);

    /// <summary>Forgets the task's listeners (when the task is purged).</summary>
    public Task ForgetAsync(string taskId, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(options.Value.StateStoreName, KeyOf(taskId), cancellationToken: cancellationToken);

    // change returns the new list, or null when nothing changes.
    private async Task ChangeAsync(string taskId, Func<List<TaskListener>, List<TaskListener>?> change, CancellationToken cancellationToken)
    {
        var changed = await StateKeyUpdater.TryUpdateAsync<List<TaskListener>>(
            dapr,
            options.Value.StateStoreName,
            KeyOf(taskId),
            current => change(current ?? []) is { } list ? StateChange<List<TaskListener>>.Save(list) : StateChange<List<TaskListener>>.Keep,
            Attempts,
            cancellationToken);
        if (!changed)
        {
            throw new InvalidOperationException($"The listeners of task '{taskId}' changed {Attempts} times while being written.");
        }
    }

    private static string KeyOf(string taskId) => KeyPrefix + taskId;
}
