using Dapr.Workflow;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Runs a task's tool. Dapr runs an activity again when the replica running it stopped; an idempotent tool then runs
/// again, and any other ends the task as failed, naming the interruption, so that its side effects never happen twice.
/// </summary>
internal sealed class RunToolActivity(
    ToolTaskRunner runner,
    IDaprWorkflowClient workflows,
    TaskRunLedger ledger,
    TaskExecutions executions,
    IOptions<DaprTasksOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<RunToolActivity> logger) : WorkflowActivity<TaskInput, TaskOutcome>
{
    public const string Name = "mcp-tool-task-run";

    public override async Task<TaskOutcome> RunAsync(WorkflowActivityContext context, TaskInput input)
    {
        var instanceId = context.InstanceId;
        var state = await workflows.GetWorkflowStateAsync(instanceId, true);
        if (state is { IsWorkflowCompleted: true })
        {
            // Cancelled or expired before the run began: the workflow no longer waits for an outcome.
            return WorkflowTaskStore.Cancelled("The task ended before its tool started.", time.GetUtcNow());
        }

        // Recorded before the tool starts: a start that happened is always seen by the run that Dapr repeats.
        var started = await ledger.BeginRunAsync(input.TaskId, lifetime.ApplicationStopping);
        if (started > 0 && !input.Idempotent)
        {
            Log.RunInterrupted(logger, input.TaskId, input.ToolName, started);
            return ToolTaskRunner.Failed(
                input,
                global::AsyncMcp.Dapr.Wire.McpWireErrorCodes.RequestInterrupted,
                $"The server replica running tool '{input.ToolName}' stopped before the tool finished. The tool is not idempotent, so it was not run again; call it again if that is safe.");
        }

        if (started > 0)
        {
            Log.RunRepeated(logger, input.TaskId, input.ToolName, started);
        }

        // A stopping app cancels the tool; the activity then fails rather than reporting an outcome, so Dapr runs it again.
        using var run = executions.Start(input.TaskId, lifetime.ApplicationStopping);
        using var watch = new CancellationTokenSource();
        var watching = WatchAsync(instanceId, input.TaskId, watch.Token);
        try
        {
            return await runner.RunAsync(input, run.Token);
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return WorkflowTaskStore.Cancelled("The task was cancelled by request.", time.GetUtcNow());
        }
        finally
        {
            await watch.CancelAsync();
            await watching;
        }
    }

    /// <summary>
    /// Cancels the run when its workflow ended without it (cancelled from another replica, or expired): the tool sees
    /// its <see cref="CancellationToken"/> fire within one poll interval.
    /// </summary>
    private async Task WatchAsync(string instanceId, string taskId, CancellationToken stop)
    {
        var interval = options.Value.PollInterval;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stop);
                var state = await workflows.GetWorkflowStateAsync(instanceId, false, stop);
                if (state is null || !state.Exists || state.IsWorkflowCompleted)
                {
                    executions.Cancel(taskId);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.WatchFailed(logger, taskId, ex.Message);
        }
    }
}
