using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// One workflow instance's state as daprd keeps it (dapr/dapr pkg/runtime/wfengine/state/state.go): the inbox of
/// events not yet handed to the workflow, the history, the custom status and the generation (raised by each
/// ContinueAsNew or re-creation). It also remembers how many inbox and history rows are stored, so that a save writes
/// only what changed.
/// </summary>
internal sealed class InstanceState
{
    public List<HistoryEvent> Inbox { get; } = [];

    public List<HistoryEvent> History { get; private set; } = [];

    public string? CustomStatus { get; set; }

    public ulong Generation { get; set; } = 1;

    /// <summary>Inbox rows in the store.</summary>
    public int StoredInbox { get; set; }

    /// <summary>History rows in the store.</summary>
    public int StoredHistory { get; set; }

    /// <summary>Whether the history was replaced (not appended to) since the last save.</summary>
    public bool HistoryRewritten { get; set; }

    public ExecutionStartedEvent? Start => FindStart(History);

    public ExecutionCompletedEvent? Completion => History.LastOrDefault(e => e.ExecutionCompleted is not null)?.ExecutionCompleted;

    public bool IsCompleted => Completion is not null;

    public string? ExecutionId => Start?.WorkflowInstance?.ExecutionId;

    /// <summary>durabletask-go backend/runtimestate RuntimeStatus: pending before the first turn, then the completion's status, suspended, or running.</summary>
    public OrchestrationStatus Status
    {
        get
        {
            if (Start is null)
            {
                return OrchestrationStatus.Pending;
            }

            if (Completion is { } completion)
            {
                return completion.WorkflowStatus;
            }

            return IsSuspended(History) ? OrchestrationStatus.Suspended : OrchestrationStatus.Running;
        }
    }

    public static ExecutionStartedEvent? FindStart(IEnumerable<HistoryEvent> events) =>
        events.FirstOrDefault(e => e.ExecutionStarted is not null)?.ExecutionStarted;

    public static bool IsSuspended(IEnumerable<HistoryEvent> events) =>
        events.LastOrDefault(e => e.ExecutionSuspended is not null || e.ExecutionResumed is not null)?.ExecutionSuspended is not null;

    /// <summary>Replaces the history (ContinueAsNew, re-creation, rerun).</summary>
    public void ReplaceHistory(List<HistoryEvent> history)
    {
        History = history;
        HistoryRewritten = true;
    }

    /// <summary>The instance's metadata in the shape of GetInstance (durabletask-go backend/executor.go createGetInstanceResponse).</summary>
    public global::Dapr.DurableTask.Protobuf.WorkflowState ToProto(string instanceId, bool withInputsAndOutputs)
    {
        var start = Start;
        var completed = History.LastOrDefault(e => e.ExecutionCompleted is not null);
        var state = new global::Dapr.DurableTask.Protobuf.WorkflowState
        {
            InstanceId = instanceId,
            Name = start?.Name ?? string.Empty,
            WorkflowStatus = Status,
            CreatedTimestamp = History.FirstOrDefault(e => e.ExecutionStarted is not null)?.Timestamp ?? new Timestamp(),
            LastUpdatedTimestamp = History.Count > 0 ? History[^1].Timestamp : new Timestamp(),
        };
        if (History.Count > 0)
        {
            state.StartedAt = History[0].Timestamp;
        }

        if (start?.Version is { } version)
        {
            state.Version = version;
        }

        if (completed is not null)
        {
            state.CompletedTimestamp = completed.Timestamp;
        }

        if (start?.ParentInstance?.WorkflowInstance?.InstanceId is { } parent)
        {
            state.ParentInstanceId = parent;
            if (!string.IsNullOrEmpty(start.ParentInstance.AppID))
            {
                state.ParentAppId = start.ParentInstance.AppID;
            }
        }

        if (withInputsAndOutputs)
        {
            state.Input = start?.Input;
            state.CustomStatus = CustomStatus;
            state.Output = completed?.ExecutionCompleted.Result;
            state.FailureDetails = completed?.ExecutionCompleted.FailureDetails;
        }

        return state;
    }
}
