using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// TaskHubSidecarService on one sidecar's gRPC port (the service daprd serves for the workflow SDKs through
/// dapr/durabletask-go backend/executor.go): the worker's stream and completions, and the client's operations, all
/// for the sidecar's app-id.
/// </summary>
internal sealed class WorkflowGrpcService(Func<DaprSidecar> sidecar)
{
    private WorkflowBackend Backend => sidecar().Workflows;

    public static Task<Empty> Hello(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public async Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context) =>
        new() { InstanceId = await Backend.StartAsync(request, context.CancellationToken).ConfigureAwait(false) };

    public Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context) => Task.FromResult(Backend.Get(request));

    public Task<GetInstanceResponse> WaitForInstanceStart(GetInstanceRequest request, ServerCallContext context) =>
        Backend.WaitAsync(request, s => s.Status != OrchestrationStatus.Pending, context.CancellationToken);

    public Task<GetInstanceResponse> WaitForInstanceCompletion(GetInstanceRequest request, ServerCallContext context) =>
        Backend.WaitAsync(request, s => s.IsCompleted, context.CancellationToken);

    public async Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext context)
    {
        await Backend.RaiseEventAsync(request, context.CancellationToken).ConfigureAwait(false);
        return new RaiseEventResponse();
    }

    public async Task<TerminateResponse> TerminateInstance(TerminateRequest request, ServerCallContext context)
    {
        await Backend.TerminateAsync(request, context.CancellationToken).ConfigureAwait(false);
        return new TerminateResponse();
    }

    public async Task<SuspendResponse> SuspendInstance(SuspendRequest request, ServerCallContext context)
    {
        await Backend.SuspendAsync(request, context.CancellationToken).ConfigureAwait(false);
        return new SuspendResponse();
    }

    public async Task<ResumeResponse> ResumeInstance(ResumeRequest request, ServerCallContext context)
    {
        await Backend.ResumeAsync(request, context.CancellationToken).ConfigureAwait(false);
        return new ResumeResponse();
    }

    public async Task<PurgeInstancesResponse> PurgeInstances(PurgeInstancesRequest request, ServerCallContext context) =>
        new() { DeletedInstanceCount = await Backend.PurgeAsync(request, context.CancellationToken).ConfigureAwait(false) };

    public Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> writer, ServerCallContext context) =>
        Backend.ServeWorkItemsAsync(sidecar(), request, writer, context.CancellationToken);

    public Task<CompleteTaskResponse> CompleteActivityTask(ActivityResponse response, ServerCallContext context)
    {
        Backend.Dispatcher.Complete(WorkItemDispatcher.ActivityKind, response.InstanceId, response.CompletionToken, response);
        return Task.FromResult(new CompleteTaskResponse());
    }

    public Task<CompleteTaskResponse> CompleteWorkflowTask(WorkflowResponse response, ServerCallContext context)
    {
        Backend.Dispatcher.Complete(WorkItemDispatcher.WorkflowKind, response.InstanceId, response.CompletionToken, response);
        return Task.FromResult(new CompleteTaskResponse());
    }

    public Task<ListInstanceIDsResponse> ListInstanceIDs(ListInstanceIDsRequest request, ServerCallContext context) => Task.FromResult(Backend.List(request));

    public Task<GetInstanceHistoryResponse> GetInstanceHistory(GetInstanceHistoryRequest request, ServerCallContext context) =>
        Task.FromResult(Backend.History(request));

    public async Task<RerunWorkflowFromEventResponse> RerunWorkflowFromEvent(RerunWorkflowFromEventRequest request, ServerCallContext context) =>
        new() { NewInstanceID = await Backend.RerunAsync(request, context.CancellationToken).ConfigureAwait(false) };
}
