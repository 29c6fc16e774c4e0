using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Tells the task's client that its status changed: <c>notifications/tasks/status</c> (2025-11-25) through the client's
/// session, wherever that session lives; <c>notifications/tasks</c> (SEP-2663) to every <c>subscriptions/listen</c>
/// stream listening to the task, wherever it is held; and, once the task has ended, the completion webhook the client
/// asked for.
/// Notifications are optional in both specifications (clients poll), so a failure here never fails the task.
/// </summary>
internal sealed class NotifyTaskActivity(
    TaskExecutions executions,
    TaskClientRoute route,
    TaskListeners listeners,
    IOptions<DaprTasksOptions> options,
    ILogger<NotifyTaskActivity> logger) : WorkflowActivity<TaskNotice, bool>
{
    public const string Name = "mcp-tool-task-notify";

    public override async Task<bool> RunAsync(WorkflowActivityContext context, TaskNotice notice)
    {
        var input = notice.Input;
        var view = new TaskView(input, notice.Status, notice.StatusMessage, notice.At, notice.Result, notice.Error, notice.InputRequests);
        var notified = false;
        if (options.Value.StatusNotifications && input.Generation == TaskGeneration.Experimental)
        {
            var status = new JsonRpcNotification { Method = TaskProtocol.StatusNotification, Params = view.ToExperimental() };
            notified = await route.NotifyAsync(input, status, CancellationToken.None);
        }
        else if (options.Value.StatusNotifications)
        {
            notified = await NotifyListenersAsync(view);
        }

        if (view.IsTerminal)
        {
            executions.Detach(input.TaskId);
            notified |= await route.SendCompletionWebhookAsync(view, CancellationToken.None);
        }

        return notified;
    }

    private async Task<bool> NotifyListenersAsync(TaskView view)
    {
        IReadOnlyList<TaskListener> streams;
        try
        {
            streams = await listeners.ListAsync(view.TaskId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.ListenFailed(logger, view.TaskId, ex.Message);
            return false;
        }

        var notified = false;
        foreach (var listener in streams)
        {
            notified |= await route.NotifyListenerAsync(listener, view.ToListenNotification(listener.SubscriptionId), CancellationToken.None);
        }

        return notified;
    }
}
