using Dapr.Workflow;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Tells the task's client that its status changed: <c>notifications/tasks/status</c> (2025-11-25) through the client's
/// session, wherever that session lives; and, once the task has ended, the completion webhook the client asked for.
/// Notifications are optional in both specifications (clients poll), so a failure here never fails the task.
/// </summary>
internal sealed class NotifyTaskActivity(
    TaskExecutions executions,
    TaskClientRoute route,
    IOptions<DaprTasksOptions> options) : WorkflowActivity<TaskNotice, bool>
{
    public const string Name = "mcp-tool-task-notify";

    public override async Task<bool> RunAsync(WorkflowActivityContext context, TaskNotice notice)
    {
        var input = notice.Input;
        var view = new TaskView(input, notice.Status, notice.StatusMessage, notice.At, notice.Result, notice.Error);
        var notified = false;
        if (options.Value.StatusNotifications && input.Generation == TaskGeneration.Experimental)
        {
            var status = new JsonRpcNotification { Method = TaskProtocol.StatusNotification, Params = view.ToExperimental() };
            notified = await route.NotifyAsync(input, status, CancellationToken.None);
        }

        if (view.IsTerminal)
        {
            executions.Detach(input.TaskId);
            notified |= await route.SendCompletionWebhookAsync(view, CancellationToken.None);
        }

        return notified;
    }
}
