using System.Globalization;
using Dapr.DurableTask.Protobuf;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Builds the history of a rerun (dapr/dapr pkg/actors/targets/workflow/orchestrator/fork/fork.go and rerun.go): the
/// source's history before the chosen event, keeping only tasks, timers and children that resolved before it; then
/// the unresolved ones and the chosen event (an activity, timer or child workflow, its input optionally replaced) are
/// appended to run again.
/// </summary>
internal static class RerunFork
{
    /// <summary>The new history, and the events at its end to run again.</summary>
    public static (List<HistoryEvent> History, List<HistoryEvent> Rerun) Build(IReadOnlyList<HistoryEvent> source, RerunWorkflowFromEventRequest request, string newInstanceId)
    {
        var history = new List<HistoryEvent>();
        var activities = new Dictionary<int, HistoryEvent>();
        var timers = new Dictionary<int, HistoryEvent>();
        var children = new Dictionary<int, HistoryEvent>();
        HistoryEvent? found = null;
        foreach (var original in source)
        {
            var e = original.Clone();
            if (e.EventId == (int)request.EventID && e.EventId >= 0)
            {
                found = Found(e, request, newInstanceId);
                break;
            }

            switch (e.EventTypeCase)
            {
                case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                    activities[e.EventId] = e;
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskCompleted:
                    Resolve(history, activities, e.TaskCompleted.TaskScheduledId, e);
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskFailed:
                    Resolve(history, activities, e.TaskFailed.TaskScheduledId, e);
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerCreated:
                    timers[e.EventId] = e;
                    break;
                case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated:
                    children[e.EventId] = e;
                    break;
                case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted:
                    Resolve(history, children, e.ChildWorkflowInstanceCompleted.TaskScheduledId, e);
                    break;
                case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed:
                    Resolve(history, children, e.ChildWorkflowInstanceFailed.TaskScheduledId, e);
                    break;
                default:
                    history.Add(e);
                    break;
            }
        }

        if (found is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"does not have history event with ID '{request.EventID}'"));
        }

        foreach (var child in children.Values)
        {
            child.ChildWorkflowInstanceCreated.InstanceId = ChildId(newInstanceId, child.EventId);
        }

        List<HistoryEvent> rerun = [.. activities.Values, .. timers.Values, .. children.Values, found];
        history.AddRange(rerun);
        return (history, rerun);
    }

    private static HistoryEvent Found(HistoryEvent e, RerunWorkflowFromEventRequest request, string newInstanceId)
    {
        var rerunOf = new RerunParentInstanceInfo { InstanceID = request.SourceInstanceID };
        switch (e.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                if (request.HasNewChildWorkflowInstanceID)
                {
                    throw Invalid($"cannot set new child workflow instance ID on activity event '{request.EventID}'");
                }

                e.TaskScheduled.RerunParentInstanceInfo = rerunOf;
                if (request.OverwriteInput)
                {
                    e.TaskScheduled.Input = request.Input;
                }

                return e;
            case HistoryEvent.EventTypeOneofCase.TimerCreated:
                if (request.OverwriteInput)
                {
                    throw Invalid($"cannot write input to timer event '{request.EventID}'");
                }

                if (request.HasNewChildWorkflowInstanceID)
                {
                    throw Invalid($"cannot set new child workflow instance ID on timer event '{request.EventID}'");
                }

                e.TimerCreated.RerunParentInstanceInfo = rerunOf;
                return e;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated:
                e.ChildWorkflowInstanceCreated.RerunParentInstanceInfo = rerunOf;
                e.ChildWorkflowInstanceCreated.InstanceId = request.HasNewChildWorkflowInstanceID ? request.NewChildWorkflowInstanceID : ChildId(newInstanceId, e.EventId);
                if (request.OverwriteInput)
                {
                    e.ChildWorkflowInstanceCreated.Input = request.Input;
                }

                return e;
            default:
                throw new RpcException(new Status(StatusCode.NotFound, $"target event '{e.EventTypeCase}' with ID '{request.EventID}' is not an event that can be rerun"));
        }
    }

    private static void Resolve(List<HistoryEvent> history, Dictionary<int, HistoryEvent> open, int id, HistoryEvent resolution)
    {
        if (open.Remove(id, out var opened))
        {
            history.Add(opened);
        }

        history.Add(resolution);
    }

    private static string ChildId(string newInstanceId, int eventId) => newInstanceId + ":" + eventId.ToString("x4", CultureInfo.InvariantCulture);

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
