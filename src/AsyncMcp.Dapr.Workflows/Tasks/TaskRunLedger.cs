using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Counts the starts of each task's tool in the Dapr state store, written before the tool starts, so that a run of the
/// activity that Dapr repeats after its replica stopped knows for certain that the tool already began. (A count kept in
/// the workflow's custom status would lag: the workflow records it in a later turn, which may not have happened when
/// the replica stopped.)
/// </summary>
internal sealed class TaskRunLedger(DaprClient dapr, IOptions<DaprTasksOptions> options)
{
    private const string KeyPrefix = "mcp-task-runs-";

    /// <summary>Records one more start of the task's tool and returns how many had been recorded before it.</summary>
    public async Task<int> BeginRunAsync(string taskId, CancellationToken cancellationToken)
    {
        var store = options.Value.StateStoreName;
        var (before, etag) = await dapr.GetStateAndETagAsync<int>(store, KeyOf(taskId), cancellationToken: cancellationToken);
        if (string.IsNullOrEmpty(etag))
        {
            await dapr.SaveStateAsync(store, KeyOf(taskId), 1, new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: cancellationToken);
            return 0;
        }

        // Another run wrote in between (two deliveries at once): it counts as a start all the same.
        return await dapr.TrySaveStateAsync(store, KeyOf(taskId), before + 1, etag, cancellationToken: cancellationToken) ? before : before + 1;
    }

    /// <summary>Forgets the task's starts (when the task is purged).</summary>
    public Task ForgetAsync(string taskId, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(options.Value.StateStoreName, KeyOf(taskId), cancellationToken: cancellationToken);

    private static string KeyOf(string taskId) => KeyPrefix + taskId;
}
