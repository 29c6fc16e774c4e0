using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// Serves <see cref="DaprGrpcService"/> as dapr.proto.runtime.v1.Dapr. Dapr.Protos ships client stubs only,
/// so the server methods are described by hand with the messages' own parsers.
/// </summary>
internal sealed class DaprGrpcMethodProvider : IServiceMethodProvider<DaprGrpcService>
{
    private const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        Add(context, "PublishEvent", PublishEventRequest.Parser, Empty.Parser, (s, r, c) => s.PublishEvent(r, c));
        Add(context, "BulkPublishEventAlpha1", BulkPublishRequest.Parser, BulkPublishResponse.Parser, (s, r, c) => s.BulkPublishEvent(r, c));
        Add(context, "BulkPublishEvent", BulkPublishRequest.Parser, BulkPublishResponse.Parser, (s, r, c) => s.BulkPublishEvent(r, c));
        Add(context, "GetState", GetStateRequest.Parser, GetStateResponse.Parser, (s, r, c) => s.GetState(r, c));
        Add(context, "GetBulkState", GetBulkStateRequest.Parser, GetBulkStateResponse.Parser, (s, r, c) => s.GetBulkState(r, c));
        Add(context, "SaveState", SaveStateRequest.Parser, Empty.Parser, (s, r, c) => s.SaveState(r, c));
        Add(context, "DeleteState", DeleteStateRequest.Parser, Empty.Parser, (s, r, c) => s.DeleteState(r, c));
        Add(context, "ExecuteStateTransaction", ExecuteStateTransactionRequest.Parser, Empty.Parser, (s, r, c) => s.ExecuteStateTransaction(r, c));
        Add(context, "InvokeBinding", InvokeBindingRequest.Parser, InvokeBindingResponse.Parser, (s, r, c) => s.InvokeBinding(r, c));
        Add(context, "GetSecret", GetSecretRequest.Parser, GetSecretResponse.Parser, (s, r, c) => s.GetSecret(r, c));
        ProtobufServiceMethods.DuplexStreaming(context, ServiceName, "SubscribeTopicEventsAlpha1", SubscribeTopicEventsRequestAlpha1.Parser,
            SubscribeTopicEventsResponseAlpha1.Parser, (s, requests, responses, c) => s.SubscribeTopicEvents(requests, responses, c));
        Add(context, "GetMetadata", GetMetadataRequest.Parser, GetMetadataResponse.Parser, (s, r, c) => s.GetMetadata(r, c));
    }

    private static void Add<TRequest, TResponse>(
        ServiceMethodProviderContext<DaprGrpcService> context,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser,
        UnaryServerMethod<DaprGrpcService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        ProtobufServiceMethods.Unary(context, ServiceName, name, requestParser, responseParser, handler);
}
