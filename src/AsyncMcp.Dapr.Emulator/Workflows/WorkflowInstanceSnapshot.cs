using Dapr.DurableTask.Protobuf;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>A workflow instance as last committed by the emulated engine.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="Name">The workflow name (empty before the first turn).</param>
/// <param name="Status">The runtime status (Pending before the first turn).</param>
/// <param name="CustomStatus">The custom status the last turn set, serialized; null when none.</param>
/// <param name="Input">The serialized input of the current execution.</param>
/// <param name="Output">The serialized output once completed.</param>
/// <param name="FailureDetails">Why it failed, when it did.</param>
/// <param name="History">The history events, oldest first.</param>
/// <param name="InboxLength">Events waiting for the next turn.</param>
/// <param name="Generation">Raised by each ContinueAsNew and re-creation.</param>
public sealed record WorkflowInstanceSnapshot(
    string InstanceId,
    string Name,
    OrchestrationStatus Status,
    string? CustomStatus,
    string? Input,
    string? Output,
    TaskFailureDetails? FailureDetails,
    IReadOnlyList<HistoryEvent> History,
    int InboxLength,
    ulong Generation)
{
    internal static WorkflowInstanceSnapshot From(string instanceId, InstanceState state)
    {
        var proto = state.ToProto(instanceId, withInputsAndOutputs: true);
        return new WorkflowInstanceSnapshot(instanceId, proto.Name, proto.WorkflowStatus, proto.CustomStatus, proto.Input, proto.Output, proto.FailureDetails,
            state.History.ToArray(), state.Inbox.Count, state.Generation);
    }
}
