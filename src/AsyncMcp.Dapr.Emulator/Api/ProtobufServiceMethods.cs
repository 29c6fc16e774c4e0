using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// Describes server methods from protobuf message parsers: the Dapr packages ship client stubs only, so every gRPC
/// service the emulator serves is bound this way.
/// </summary>
internal static class ProtobufServiceMethods
{
    /// <summary>Adds the unary method <paramref name="name"/> of <paramref name="serviceName"/>.</summary>
    public static void Unary<TService, TRequest, TResponse>(
        ServiceMethodProviderContext<TService> context,
        string serviceName,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser,
        UnaryServerMethod<TService, TRequest, TResponse> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        context.AddUnaryMethod(
            new Method<TRequest, TResponse>(MethodType.Unary, serviceName, name, Marshaller(requestParser), Marshaller(responseParser)), [], handler);

    /// <summary>Adds the bidirectional streaming method <paramref name="name"/> of <paramref name="serviceName"/>.</summary>
    public static void DuplexStreaming<TService, TRequest, TResponse>(
        ServiceMethodProviderContext<TService> context,
        string serviceName,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser,
        DuplexStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        context.AddDuplexStreamingMethod(
            new Method<TRequest, TResponse>(MethodType.DuplexStreaming, serviceName, name, Marshaller(requestParser), Marshaller(responseParser)), [], handler);

    /// <summary>A marshaller over the message's own parser.</summary>
    public static Marshaller<T> Marshaller<T>(MessageParser<T> parser)
        where T : class, IMessage<T> => Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
}
