using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Turns a worker's actions into history events and effects, as durabletask-go's applier does
/// (dapr/durabletask-go backend/runtimestate/applier.go Actions): each action adds its event (ids are the action ids),
/// completion notifies the parent, ContinueAsNew starts a new execution with the carried-over events.
/// </summary>
internal sealed class TurnApplier(string appId, string instanceId, DateTimeOffset now)
{
    private const int NoId = -1;

    public List<TurnEffect> Effects { get; } = [];

    /// <summary>The new execution's first events when the workflow continued as new, else null.</summary>
    public List<HistoryEvent>? NewExecution { get; private set; }

    /// <summary>Applies <paramref name="actions"/> to the turn whose history is <paramref name="past"/> + <paramref name="added"/>, appending to <paramref name="added"/>.</summary>
    public void Apply(IReadOnlyList<HistoryEvent> past, List<HistoryEvent> added, IEnumerable<WorkflowAction> actions)
    {
        var start = InstanceState.FindStart(past) ?? InstanceState.FindStart(added)
            ?? throw new InvalidOperationException("the workflow has no ExecutionStarted event");
        foreach (var action in actions)
        {
            var router = action.Router?.Clone() ?? new TaskRouter();
            router.SourceAppID = appId;
            switch (action.WorkflowActionTypeCase)
            {
                case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                    if (IsCompleted(added))
                    {
                        continue;
                    }

                    if (action.CompleteWorkflow.WorkflowStatus == OrchestrationStatus.ContinuedAsNew)
                    {
                        ContinueAsNew(start, action.CompleteWorkflow, router);
                        return;
                    }

                    Complete(start, action.Id, action.CompleteWorkflow, router, added);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                    var task = action.ScheduleTask;
                    var scheduled = Event(action.Id, router, e => e.TaskScheduled = new TaskScheduledEvent
                    {
                        Name = task.Name,
                        Version = task.Version,
                        Input = task.Input,
                        TaskExecutionId = task.TaskExecutionId,
                        HistoryPropagationScope = task.HistoryPropagationScope,
                    });
                    added.Add(scheduled);
                    Effects.Add(new TurnEffect.Activity(scheduled));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                    added.Add(Event(action.Id, router, e => e.TimerCreated = TimerCreated(action.CreateTimer)));
                    Effects.Add(new TurnEffect.Timer(Event(NoId, null, e => e.TimerFired = new TimerFiredEvent { TimerId = action.Id, FireAt = action.CreateTimer.FireAt })));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                    CreateChild(start, action.Id, action.CreateChildWorkflow, router, added);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateDetachedWorkflow:
                    var detached = action.CreateDetachedWorkflow;
                    added.Add(Event(action.Id, router, e => e.DetachedWorkflowInstanceCreated = new DetachedWorkflowInstanceCreatedEvent { InstanceId = detached.InstanceId }));
                    Effects.Add(new TurnEffect.Message(TargetOf(router), detached.InstanceId, Event(NoId, null, e => e.ExecutionStarted = new ExecutionStartedEvent
                    {
                        Name = detached.Name,
                        Input = detached.Input,
                        ScheduledStartTimestamp = detached.ScheduledStartTimestamp,
                        WorkflowInstance = new WorkflowInstance { InstanceId = detached.InstanceId, ExecutionId = detached.ExecutionId ?? Guid.NewGuid().ToString() },
                    })));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                    var send = action.SendEvent;
                    added.Add(Event(action.Id, router, e => e.EventSent = new EventSentEvent { InstanceId = send.Instance.InstanceId, Name = send.Name, Input = send.Data }));
                    Effects.Add(new TurnEffect.Message(TargetOf(router), send.Instance.InstanceId,
                        Event(NoId, router, e => e.EventRaised = new EventRaisedEvent { Name = send.Name, Input = send.Data })));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.TerminateWorkflow:
                    var terminate = action.TerminateWorkflow;
                    Effects.Add(new TurnEffect.Message(TargetOf(router), terminate.InstanceId,
                        Event(NoId, router, e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = terminate.Reason, Recurse = terminate.Recurse })));
                    break;
                default:
                    throw new InvalidOperationException($"unknown action type: {action.WorkflowActionTypeCase}");
            }
        }
    }

    /// <summary>Forces the termination the worker did not complete (durabletask-go backend/orchestration.go forceTermination).</summary>
    public void ForceTermination(IReadOnlyList<HistoryEvent> past, List<HistoryEvent> added, ExecutionTerminatedEvent terminated)
    {
        Effects.Clear();
        Apply(past, added, [new WorkflowAction
        {
            Id = NoId,
            CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Terminated, Result = terminated.Input },
        }]);
    }

    public static bool IsCompleted(IEnumerable<HistoryEvent> events) => events.Any(e => e.ExecutionCompleted is not null);

    private void Complete(ExecutionStartedEvent start, int id, CompleteWorkflowAction completed, TaskRouter router, List<HistoryEvent> added)
    {
        added.Add(Event(id, router, e => e.ExecutionCompleted = new ExecutionCompletedEvent
        {
            WorkflowStatus = completed.WorkflowStatus,
            Result = completed.Result,
            FailureDetails = completed.FailureDetails,
        }));
        if (start.ParentInstance is not { } parent)
        {
            return;
        }

        var target = string.IsNullOrEmpty(parent.AppID) ? appId : parent.AppID;
        var notice = completed.WorkflowStatus == OrchestrationStatus.Completed
            ? Event(NoId, router, e => e.ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent { TaskScheduledId = parent.TaskScheduledId, Result = completed.Result })
            : Event(NoId, router, e => e.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
            {
                TaskScheduledId = parent.TaskScheduledId,
                FailureDetails = completed.FailureDetails ?? new TaskFailureDetails { ErrorType = completed.WorkflowStatus.ToString(), ErrorMessage = $"child workflow {completed.WorkflowStatus}" },
            });
        Effects.Add(new TurnEffect.Message(target, parent.WorkflowInstance.InstanceId, notice));
    }

    private void ContinueAsNew(ExecutionStartedEvent start, CompleteWorkflowAction completed, TaskRouter router)
    {
        Effects.Clear();
        NewExecution =
        [
            Event(NoId, router, e => e.WorkflowStarted = new WorkflowStartedEvent()),
            Event(NoId, router, e => e.ExecutionStarted = new ExecutionStartedEvent
            {
                Name = start.Name,
                ParentInstance = start.ParentInstance,
                Input = completed.Result,
                WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString() },
            }),
            .. completed.CarryoverEvents,
        ];
    }

    private void CreateChild(ExecutionStartedEvent start, int id, CreateChildWorkflowAction create, TaskRouter router, List<HistoryEvent> added)
    {
        var childId = string.IsNullOrEmpty(create.InstanceId) ? ChildInstanceId(instanceId, id) : create.InstanceId;
        added.Add(Event(id, router, e => e.ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent
        {
            InstanceId = childId,
            Name = create.Name,
            Version = create.Version,
            Input = create.Input,
            HistoryPropagationScope = create.HistoryPropagationScope,
        }));
        Effects.Add(new TurnEffect.Message(TargetOf(router), childId, Event(NoId, router, e => e.ExecutionStarted = new ExecutionStartedEvent
        {
            Name = create.Name,
            Input = create.Input,
            ParentInstance = new ParentInstanceInfo
            {
                TaskScheduledId = id,
                Name = start.Name,
                WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = start.WorkflowInstance?.ExecutionId },
                AppID = appId,
            },
            WorkflowInstance = new WorkflowInstance { InstanceId = childId, ExecutionId = Guid.NewGuid().ToString() },
        })));
    }

    /// <summary>durabletask-go api/helpers/task.go GenerateChildWorkflowInstanceID: "{parent}:{id as 4 hex digits}".</summary>
    public static string ChildInstanceId(string parent, int actionId) => parent + ":" + (0x10000L + actionId).ToString("x", System.Globalization.CultureInfo.InvariantCulture)[^4..];

    private static TimerCreatedEvent TimerCreated(CreateTimerAction timer)
    {
        var created = new TimerCreatedEvent { FireAt = timer.FireAt, Name = timer.Name };
        switch (timer.OriginCase)
        {
            case CreateTimerAction.OriginOneofCase.CreateTimer:
                created.CreateTimer = timer.CreateTimer;
                break;
            case CreateTimerAction.OriginOneofCase.ExternalEvent:
                created.ExternalEvent = timer.ExternalEvent;
                break;
            case CreateTimerAction.OriginOneofCase.ActivityRetry:
                created.ActivityRetry = timer.ActivityRetry;
                break;
            case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry:
                created.ChildWorkflowRetry = timer.ChildWorkflowRetry;
                break;
        }

        return created;
    }

    private string TargetOf(TaskRouter router) => string.IsNullOrEmpty(router.TargetAppID) ? appId : router.TargetAppID;

    private HistoryEvent Event(int id, TaskRouter? router, Action<HistoryEvent> set)
    {
        var e = new HistoryEvent { EventId = id, Timestamp = Timestamp.FromDateTimeOffset(now), Router = router };
        set(e);
        return e;
    }
}
