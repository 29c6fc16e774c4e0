using AsyncMcp.Dapr.Emulator.Api;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Serves <see cref="WorkflowGrpcService"/> as TaskHubSidecarService (the proto declares no package).
/// Dapr.Workflow.Grpc ships client stubs only, so the server methods are described with the messages' own parsers.
/// </summary>
internal sealed class WorkflowGrpcMethodProvider : IServiceMethodProvider<WorkflowGrpcService>
{
    private const string ServiceName = "TaskHubSidecarService";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<WorkflowGrpcService> context)
    {
        Unary(context, "Hello", Empty.Parser, Empty.Parser, (_, r, c) => WorkflowGrpcService.Hello(r, c));
        Unary(context, "StartInstance", CreateInstanceRequest.Parser, CreateInstanceResponse.Parser, (s, r, c) => s.StartInstance(r, c));
        Unary(context, "GetInstance", GetInstanceRequest.Parser, GetInstanceResponse.Parser, (s, r, c) => s.GetInstance(r, c));
        Unary(context, "WaitForInstanceStart", GetInstanceRequest.Parser, GetInstanceResponse.Parser, (s, r, c) => s.WaitForInstanceStart(r, c));
        Unary(context, "WaitForInstanceCompletion", GetInstanceRequest.Parser, GetInstanceResponse.Parser, (s, r, c) => s.WaitForInstanceCompletion(r, c));
        Unary(context, "RaiseEvent", RaiseEventRequest.Parser, RaiseEventResponse.Parser, (s, r, c) => s.RaiseEvent(r, c));
        Unary(context, "TerminateInstance", TerminateRequest.Parser, TerminateResponse.Parser, (s, r, c) => s.TerminateInstance(r, c));
        Unary(context, "SuspendInstance", SuspendRequest.Parser, SuspendResponse.Parser, (s, r, c) => s.SuspendInstance(r, c));
        Unary(context, "ResumeInstance", ResumeRequest.Parser, ResumeResponse.Parser, (s, r, c) => s.ResumeInstance(r, c));
        Unary(context, "PurgeInstances", PurgeInstancesRequest.Parser, PurgeInstancesResponse.Parser, (s, r, c) => s.PurgeInstances(r, c));
        Unary(context, "CompleteActivityTask", ActivityResponse.Parser, CompleteTaskResponse.Parser, (s, r, c) => s.CompleteActivityTask(r, c));

        // CompleteOrchestratorTask is the name the SDKs call; daprd serves CompleteWorkflowTask as its alias.
        Unary(context, "CompleteOrchestratorTask", WorkflowResponse.Parser, CompleteTaskResponse.Parser, (s, r, c) => s.CompleteWorkflowTask(r, c));
        Unary(context, "CompleteWorkflowTask", WorkflowResponse.Parser, CompleteTaskResponse.Parser, (s, r, c) => s.CompleteWorkflowTask(r, c));
        Unary(context, "RerunWorkflowFromEvent", RerunWorkflowFromEventRequest.Parser, RerunWorkflowFromEventResponse.Parser, (s, r, c) => s.RerunWorkflowFromEvent(r, c));
        Unary(context, "ListInstanceIDs", ListInstanceIDsRequest.Parser, ListInstanceIDsResponse.Parser, (s, r, c) => s.ListInstanceIDs(r, c));
        Unary(context, "GetInstanceHistory", GetInstanceHistoryRequest.Parser, GetInstanceHistoryResponse.Parser, (s, r, c) => s.GetInstanceHistory(r, c));
        ProtobufServiceMethods.ServerStreaming(context, ServiceName, "GetWorkItems", GetWorkItemsRequest.Parser, WorkItem.Parser, (s, r, w, c) => s.GetWorkItems(r, w, c));
    }

    private static void Unary<TRequest, TResponse>(
        ServiceMethodProviderContext<WorkflowGrpcService> context,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser,
        UnaryServerMethod<WorkflowGrpcService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        ProtobufServiceMethods.Unary(context, ServiceName, name, requestParser, responseParser, handler);
}
