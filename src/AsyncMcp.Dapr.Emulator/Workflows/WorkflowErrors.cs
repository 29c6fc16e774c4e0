using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// The errors daprd's workflow engine answers with, as gRPC statuses (dapr/durabletask-go api/errors.go and
/// backend/executor.go; dapr/dapr pkg/actors/targets/workflow/orchestrator/create.go and state.go).
/// </summary>
internal static class WorkflowErrors
{
    // A plain Go error from daprd's gRPC handler: the status is Unknown and the message the error's text.
    public static RpcException InstanceNotFound() => new(new Status(StatusCode.Unknown, "no such instance exists"));

    public static RpcException HistoryNotFound(string instanceId) =>
        new(new Status(StatusCode.NotFound, $"workflow instance '{instanceId}' not found"));

    public static RpcException AlreadyExists(string instanceId) =>
        new(new Status(StatusCode.AlreadyExists, $"an active workflow with ID '{instanceId}' already exists"));

    public static RpcException PurgeNotCompleted() =>
        new(new Status(StatusCode.Unknown, "failed to purge workflow state: orchestration has not yet completed"));

    public static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static RpcException UnknownCompletion(string token) =>
        new(new Status(StatusCode.NotFound, $"no pending work item has completion token '{token}'"));

    public static RpcException ActorRuntimeNotFound() => new(new Status(StatusCode.Internal,
        "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?"));

    public static RpcException StreamUnavailable(string detail) =>
        new(new Status(StatusCode.Unavailable, "unable to establish work item stream at this time: " + detail));
}
