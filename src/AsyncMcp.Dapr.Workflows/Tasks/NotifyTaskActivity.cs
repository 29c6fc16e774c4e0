using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Tells the task's client that its status changed: <c>notifications/tasks/status</c> (2025-11-25), through the
/// client's session when it lives in this process. Notifications are optional in both specifications; clients poll.
/// </summary>
internal sealed class NotifyTaskActivity(
    TaskExecutions executions,
    IOptions<DaprTasksOptions> options,
    ILogger<NotifyTaskActivity> logger) : WorkflowActivity<TaskNotice, bool>
{
    public const string Name = "mcp-tool-task-notify";

    public override async Task<bool> RunAsync(WorkflowActivityContext context, TaskNotice notice)
    {
        var taskId = notice.Input.TaskId;
        var client = executions.ClientOf(taskId);
        if (McpTaskStatus.IsTerminal(notice.Status))
        {
            executions.Detach(taskId);
        }

        if (!options.Value.StatusNotifications || client is null || notice.Input.Generation != TaskGeneration.Experimental)
        {
            return false;
        }

        var view = new TaskView(notice.Input, notice.Status, notice.StatusMessage, notice.At, null, null);
        try
        {
            await client.SendMessageAsync(new JsonRpcNotification { Method = TaskProtocol.StatusNotification, Params = view.ToExperimental() });
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ForwardFailed(logger, ex.Message);
            return false;
        }
    }
}
