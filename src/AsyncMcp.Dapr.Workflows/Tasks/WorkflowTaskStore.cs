using System.Text;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// MCP tasks kept as Dapr workflow instances: nothing is stored beside the workflow. The input holds the task and its
/// owner, the custom status its running status, the output its outcome; listing walks the workflow instance ids.
/// </summary>
internal sealed class WorkflowTaskStore(
    IDaprWorkflowClient client,
    TaskExecutions executions,
    TaskRunLedger ledger,
    TaskInputRelay inputs,
    TaskListeners listeners,
    IOptions<DaprTasksOptions> options,
    TimeProvider time,
    ILogger<WorkflowTaskStore> logger)
{
    private const string CursorPrefix = "wf1:";
    private readonly DaprTasksOptions _options = options.Value;

    /// <summary>Schedules the task's workflow; returns once the sidecar has stored it, so <c>tasks/get</c> finds it.</summary>
    public async Task<TaskView> CreateAsync(TaskInput input, CancellationToken cancellationToken)
    {
        // A redelivered creating request names the same task: answer with the task it already created.
        if (await FindAsync(input.TaskId, cancellationToken) is { } existing)
        {
            Log.DuplicateCreation(logger, input.TaskId, input.ToolName);
            return existing;
        }

        await client.ScheduleNewWorkflowAsync(McpToolTaskWorkflow.Name, TaskIds.InstanceOf(input.TaskId), input, null, cancellationToken);
        Log.TaskCreated(logger, input.TaskId, input.ToolName, input.Owner, input.TtlMs);
        return new TaskView(input, McpTaskStatus.Working, null, input.CreatedAt, null, null);
    }

    /// <summary>The task, or <see langword="null"/> when there is none with this id.</summary>
    public async Task<TaskView?> FindAsync(string taskId, CancellationToken cancellationToken)
    {
        if (!TaskIds.IsWellFormed(taskId))
        {
            return null;
        }

        var instanceId = TaskIds.InstanceOf(taskId);
        var state = await client.GetWorkflowStateAsync(instanceId, true, cancellationToken);
        if (state is { Exists: true, IsWorkflowCompleted: false } && state.ReadCustomStatusAs<TaskProgress>() is { } progress &&
            McpTaskStatus.IsTerminal(progress.Status))
        {
            // The workflow has its outcome and is telling the client (notification, webhook) before it records it: wait
            // for the record, so that a client woken by that message reads the ended task, result included.
            using var settling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            settling.CancelAfter(_options.CancelGracePeriod);
            try
            {
                state = await client.WaitForWorkflowCompletionAsync(instanceId, true, settling.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        return state is { Exists: true } ? ViewOf(state) : null;
    }

    /// <summary>
    /// The task, if it exists, belongs to <paramref name="owner"/> and has not expired; otherwise the protocol error
    /// both generations give (-32602). An expired task is purged on the way.
    /// </summary>
    public async Task<TaskView> GetAsync(string? taskId, string owner, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(taskId))
        {
            throw new McpProtocolException("Missing taskId: the request's params must name the task.", McpErrorCode.InvalidParams);
        }

        var view = await FindAsync(taskId, cancellationToken)
            ?? throw new McpProtocolException($"Failed to retrieve task: Task '{taskId}' not found.", McpErrorCode.InvalidParams);
        if (view.Input.Owner != owner)
        {
            // The same refusal as a session opened by another app: the task exists, and is not the caller's.
            Log.ForeignTask(logger, taskId, owner, view.Input.Owner);
            throw new McpProtocolException($"Failed to retrieve task: Task '{taskId}' belongs to another app.", McpErrorCode.InvalidParams);
        }

        if (time.GetUtcNow() >= view.Input.ExpiresAt)
        {
            await PurgeAsync(view, "its TTL elapsed", cancellationToken);
            throw new McpProtocolException($"Failed to retrieve task: Task '{taskId}' has expired.", McpErrorCode.InvalidParams);
        }

        return view;
    }

    /// <summary>Waits, without a thread, until the task's workflow has ended.</summary>
    public async Task<TaskView> WaitAsync(TaskView view, CancellationToken cancellationToken)
    {
        if (view.IsTerminal)
        {
            return view;
        }

        var state = await client.WaitForWorkflowCompletionAsync(TaskIds.InstanceOf(view.TaskId), true, cancellationToken);
        return ViewOf(state) ?? throw new McpProtocolException($"Task '{view.TaskId}' was deleted while it was awaited.", McpErrorCode.InternalError);
    }

    /// <summary>
    /// Cancels a task that has not ended: the tool's token is cancelled on this replica at once, the workflow records
    /// the cancellation, and a workflow that does not within the grace period is terminated.
    /// </summary>
    public async Task<TaskView> CancelAsync(TaskView view, bool waitForCancelled, CancellationToken cancellationToken)
    {
        const string Reason = "The task was cancelled by request.";
        var instanceId = TaskIds.InstanceOf(view.TaskId);
        await client.RaiseEventAsync(instanceId, McpToolTaskWorkflow.CancelEvent, Reason, cancellationToken);
        executions.Cancel(view.TaskId);
        Log.TaskCancelled(logger, view.TaskId, view.Input.ToolName);
        if (!waitForCancelled)
        {
            _ = EnforceCancelAsync(view, Reason, CancellationToken.None);
            return view;
        }

        return await EnforceCancelAsync(view, Reason, cancellationToken) ?? view;
    }

    /// <summary>Hands the client's answers (<c>tasks/update</c> <c>inputResponses</c>) to the task's workflow.</summary>
    public async Task UpdateAsync(TaskView view, JsonElement inputResponses, CancellationToken cancellationToken)
    {
        if (!view.IsTerminal)
        {
            await client.RaiseEventAsync(TaskIds.InstanceOf(view.TaskId), McpToolTaskWorkflow.InputEvent, inputResponses, cancellationToken);
        }
    }

    /// <summary>One page of the owner's live tasks; <paramref name="cursor"/> is the previous page's <c>nextCursor</c>.</summary>
    public async Task<(List<TaskView> Tasks, string? NextCursor)> ListAsync(string owner, string? cursor, CancellationToken cancellationToken)
    {
        string? token = null;
        if (cursor is not null)
        {
            token = DecodeCursor(cursor)
                ?? throw new McpProtocolException("Invalid cursor: pass the nextCursor of a previous tasks/list result unchanged.", McpErrorCode.InvalidParams);
        }

        var page = await client.ListInstanceIdsAsync(token, _options.ListPageSize, cancellationToken);
        var now = time.GetUtcNow();
        var tasks = new List<TaskView>();
        foreach (var instanceId in page.InstanceIds)
        {
            if (!instanceId.StartsWith(TaskIds.InstancePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var view = await FindAsync(instanceId[TaskIds.InstancePrefix.Length..], cancellationToken);
            if (view is null || view.Input.Owner != owner)
            {
                continue;
            }

            if (now >= view.Input.ExpiresAt)
            {
                await PurgeAsync(view, "its TTL elapsed", cancellationToken);
                continue;
            }

            tasks.Add(view);
        }

        var next = string.IsNullOrEmpty(page.ContinuationToken) ? null : EncodeCursor(page.ContinuationToken);
        return (tasks, next);
    }

    /// <summary>Purges every expired task this sidecar knows of. Safe to run on every replica at once.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var purged = 0;
        string? token = null;
        var now = time.GetUtcNow();
        do
        {
            var page = await client.ListInstanceIdsAsync(token, 200, cancellationToken);
            foreach (var instanceId in page.InstanceIds)
            {
                if (!instanceId.StartsWith(TaskIds.InstancePrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var view = await FindAsync(instanceId[TaskIds.InstancePrefix.Length..], cancellationToken);
                if (view is not null && now >= view.Input.ExpiresAt)
                {
                    await PurgeAsync(view, "its TTL elapsed", cancellationToken);
                    purged++;
                }
            }

            token = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        }
        while (token is not null);
        return purged;
    }

    /// <summary>Ends the task's workflow if it still runs, then deletes it with its history.</summary>
    public async Task PurgeAsync(TaskView view, string reason, CancellationToken cancellationToken)
    {
        var instanceId = TaskIds.InstanceOf(view.TaskId);
        executions.Cancel(view.TaskId);
        try
        {
            if (!view.IsTerminal)
            {
                await client.TerminateWorkflowAsync(instanceId, Cancelled("The task expired.", time.GetUtcNow()), cancellationToken);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(_options.CancelGracePeriod);
                await client.WaitForWorkflowCompletionAsync(instanceId, false, wait.Token);
            }

            await client.PurgeInstanceAsync(instanceId, cancellationToken);
            Log.TaskPurged(logger, view.TaskId, reason);
            await ledger.ForgetAsync(view.TaskId, cancellationToken);
            await inputs.ForgetAsync(view.TaskId, cancellationToken);
            await listeners.ForgetAsync(view.TaskId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Another replica may be purging the same task; the sweep tries again later.
            Log.PurgeFailed(logger, view.TaskId, ex.Message);
        }
    }

    /// <summary>The task a workflow state describes, or <see langword="null"/> for a workflow that is not a task.</summary>
    public static TaskView? ViewOf(WorkflowState? state)
    {
        if (state is not { Exists: true } || state.WorkflowName != McpToolTaskWorkflow.Name || state.ReadInputAs<TaskInput>() is not { } input)
        {
            return null;
        }

        switch (state.RuntimeStatus)
        {
            case WorkflowRuntimeStatus.Completed:
            case WorkflowRuntimeStatus.Terminated when state.ReadOutputAs<TaskOutcome>() is not null:
                var outcome = state.ReadOutputAs<TaskOutcome>()!;
                return new TaskView(input, outcome.Status, outcome.StatusMessage, outcome.EndedAt, outcome.Result, outcome.Error);
            case WorkflowRuntimeStatus.Terminated:
                return new TaskView(input, McpTaskStatus.Cancelled, "The task was cancelled.", state.LastUpdatedAt, null, null);
            case WorkflowRuntimeStatus.Failed:
                var message = $"The task's workflow failed: {state.FailureDetails?.ErrorMessage ?? "no reason given"}";
                return new TaskView(input, McpTaskStatus.Failed, message, state.LastUpdatedAt, null, TaskJson.ErrorElement(-32603, message));
            default:
                var progress = state.ReadCustomStatusAs<TaskProgress>();
                return new TaskView(
                    input,
                    progress?.Status is McpTaskStatus.InputRequired ? McpTaskStatus.InputRequired : McpTaskStatus.Working,
                    progress?.StatusMessage,
                    progress?.LastUpdatedAt ?? input.CreatedAt,
                    null,
                    null,
                    progress?.Status is McpTaskStatus.InputRequired ? progress.InputRequests : null);
        }
    }

    public static TaskOutcome Cancelled(string message, DateTimeOffset at) => new(McpTaskStatus.Cancelled, message, null, null, at);

    private async Task<TaskView?> EnforceCancelAsync(TaskView view, string reason, CancellationToken cancellationToken = default)
    {
        var instanceId = TaskIds.InstanceOf(view.TaskId);
        try
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(_options.CancelGracePeriod);
            try
            {
                return ViewOf(await client.WaitForWorkflowCompletionAsync(instanceId, true, grace.Token));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Log.CancelEnforced(logger, view.TaskId, _options.CancelGracePeriod);
                await client.TerminateWorkflowAsync(instanceId, Cancelled(reason, time.GetUtcNow()), cancellationToken);
                return ViewOf(await client.WaitForWorkflowCompletionAsync(instanceId, true, cancellationToken));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.PurgeFailed(logger, view.TaskId, ex.Message);
            return null;
        }
    }

    private static string EncodeCursor(string token) => Convert.ToBase64String(Encoding.UTF8.GetBytes(CursorPrefix + token));

    private static string? DecodeCursor(string cursor)
    {
        var bytes = new byte[cursor.Length];
        if (!Convert.TryFromBase64String(cursor, bytes, out var written))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, written);
        return text.StartsWith(CursorPrefix, StringComparison.Ordinal) && text.Length > CursorPrefix.Length ? text[CursorPrefix.Length..] : null;
    }
}
