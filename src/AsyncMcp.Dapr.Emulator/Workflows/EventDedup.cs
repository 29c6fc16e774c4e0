using Dapr.DurableTask.Protobuf;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Which events repeat one already recorded, as daprd drops them (dapr/durabletask-go backend/runtimestate/dedup:
/// a task, child workflow or timer resolves once; an instance starts once), and which children still run.
/// </summary>
internal static class EventDedup
{
    /// <summary>Whether <paramref name="e"/> resolves something already resolved in the history or waiting in the inbox.</summary>
    public static bool IsResolved(HistoryEvent e, IEnumerable<HistoryEvent> history, IEnumerable<HistoryEvent> inbox) =>
        Resolution(e) is { } key && history.Concat(inbox).Any(x => Resolution(x) == key);

    /// <summary>Whether adding <paramref name="e"/> to a turn would repeat an event of the history or of the turn.</summary>
    public static bool IsDuplicate(HistoryEvent e, IReadOnlyList<HistoryEvent> history, IReadOnlyList<HistoryEvent> added)
    {
        if (e.ExecutionStarted is not null)
        {
            return InstanceState.FindStart(history) is not null || InstanceState.FindStart(added) is not null;
        }

        return IsResolved(e, history, added);
    }

    /// <summary>The ids of the child workflows created in <paramref name="history"/> that have not reported back.</summary>
    public static IEnumerable<string> RunningChildren(IReadOnlyList<HistoryEvent> history)
    {
        var reported = history
            .Select(e => e.ChildWorkflowInstanceCompleted?.TaskScheduledId ?? e.ChildWorkflowInstanceFailed?.TaskScheduledId)
            .Where(id => id is not null)
            .ToHashSet();
        return history
            .Where(e => e.ChildWorkflowInstanceCreated is not null && !reported.Contains(e.EventId))
            .Select(e => e.ChildWorkflowInstanceCreated.InstanceId);
    }

    /// <summary>The ids of every child workflow created in <paramref name="history"/>.</summary>
    public static IEnumerable<string> Children(IEnumerable<HistoryEvent> history) =>
        history.Where(e => e.ChildWorkflowInstanceCreated is not null).Select(e => e.ChildWorkflowInstanceCreated.InstanceId);

    private static (int Kind, int Id)? Resolution(HistoryEvent e) => e.EventTypeCase switch
    {
        HistoryEvent.EventTypeOneofCase.TaskCompleted => (1, e.TaskCompleted.TaskScheduledId),
        HistoryEvent.EventTypeOneofCase.TaskFailed => (1, e.TaskFailed.TaskScheduledId),
        HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted => (2, e.ChildWorkflowInstanceCompleted.TaskScheduledId),
        HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed => (2, e.ChildWorkflowInstanceFailed.TaskScheduledId),
        HistoryEvent.EventTypeOneofCase.TimerFired => (3, e.TimerFired.TimerId),
        _ => null,
    };
}
