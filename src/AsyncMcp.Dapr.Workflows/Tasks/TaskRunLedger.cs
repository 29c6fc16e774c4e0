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
        var before = 0;
        var counted = await StateKeyUpdater.TryUpdateAsync<int>(
            dapr,
            options.Value.StateStoreName,
            KeyOf(taskId),
            count =>
            {
                before = count;
                return StateChange<int>.Save(count + 1);
            },
            attempts: 1,
            cancellationToken);

        // One attempt, no retry: another run that wrote in between (two deliveries at once) counts as a start all the same.
        return counted ? before : before + 1;
    }

    /// <summary>Forgets the task's starts (when the task is purged).</summary>
    public Task ForgetAsync(string taskId, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(options.Value.StateStoreName, KeyOf(taskId), cancellationToken: cancellationToken);

    private static string KeyOf(string taskId) => KeyPrefix + taskId;
}
