using System.Text.Json;
using Dapr.Workflow;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// One MCP task: runs the tool in an activity and waits, at the same time, for a cancellation and for status reports
/// from the tool (input required, working again). The outcome is the workflow output; status changes go to
/// the client through the notify activity.
/// </summary>
internal sealed class McpToolTaskWorkflow : Workflow<TaskInput, TaskOutcome>
{
    public const string Name = "mcp-tool-task";
    public const string CancelEvent = "mcp-task-cancel";
    public const string StatusEvent = "mcp-task-status";
    public const string InputEvent = "mcp-task-input";

    public override async Task<TaskOutcome> RunAsync(WorkflowContext context, TaskInput input)
    {
        var progress = new TaskProgress(McpTaskStatus.Working, null, context.CurrentUtcDateTime);
        context.SetCustomStatus(progress);
        var run = context.CallActivityAsync<TaskOutcome>(RunToolActivity.Name, input);
        var cancel = context.WaitForExternalEventAsync<string>(CancelEvent);

        // One waiter per event name at a time: a waiter that did not fire keeps its place for the next event.
        var status = context.WaitForExternalEventAsync<TaskStatusEvent>(StatusEvent);
        var answers = context.WaitForExternalEventAsync<JsonElement>(InputEvent);
        while (true)
        {
            var first = await Task.WhenAny(run, cancel, status, answers);
            if (first == answers)
            {
                // tasks/update: keep the answers to outstanding requests only (SEP-2663 says to ignore the others).
                progress = progress with { InputResponses = TaskJson.Answers(progress.InputRequests, progress.InputResponses, await answers) };
                context.SetCustomStatus(progress);
                answers = context.WaitForExternalEventAsync<JsonElement>(InputEvent);
                continue;
            }

            if (first == status)
            {
                var report = await status;
                status = context.WaitForExternalEventAsync<TaskStatusEvent>(StatusEvent);
                var changed = report.Status != progress.Status;
                progress = progress with
                {
                    Status = report.Status,
                    StatusMessage = report.StatusMessage,
                    LastUpdatedAt = context.CurrentUtcDateTime,
                    InputRequests = report.InputRequests,
                    InputResponses = null,
                };
                context.SetCustomStatus(progress);
                if (changed)
                {
                    await NotifyAsync(context, new TaskNotice(input, progress.Status, progress.StatusMessage, context.CurrentUtcDateTime, InputRequests: progress.InputRequests));
                }

                continue;
            }

            TaskOutcome outcome;
            if (first == cancel)
            {
                var reason = await cancel;
                outcome = new TaskOutcome(McpTaskStatus.Cancelled, reason, null, null, context.CurrentUtcDateTime);
            }
            else
            {
                try
                {
                    outcome = (await run) with { EndedAt = context.CurrentUtcDateTime };
                }
                catch (WorkflowTaskFailedException ex)
                {
                    // The activity itself failed (not the tool, whose errors are outcomes): the task fails with the reason.
                    var message = $"The task's run failed: {ex.FailureDetails.ErrorMessage}";
                    outcome = new TaskOutcome(McpTaskStatus.Failed, message, null, TaskJson.ErrorElement(-32603, message), context.CurrentUtcDateTime);
                }
            }

            context.SetCustomStatus(progress with { Status = outcome.Status, StatusMessage = outcome.StatusMessage, LastUpdatedAt = outcome.EndedAt });
            await NotifyAsync(context, new TaskNotice(input, outcome.Status, outcome.StatusMessage, outcome.EndedAt, outcome.Result, outcome.Error));
            return outcome;
        }
    }

    private static async Task NotifyAsync(WorkflowContext context, TaskNotice notice)
    {
        // Best effort, like the notification itself: a failure to notify never fails the task.
        try
        {
            await context.CallActivityAsync<bool>(NotifyTaskActivity.Name, notice);
        }
        catch (WorkflowTaskFailedException)
        {
        }
    }
}
