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
        context.AddUnaryMethod(Describe(MethodType.Unary, serviceName, name, requestParser, responseParser), [], handler);

    /// <summary>Adds the server streaming method <paramref name="name"/> of <paramref name="serviceName"/>.</summary>
    public static void ServerStreaming<TService, TRequest, TResponse>(
        ServiceMethodProviderContext<TService> context,
        string serviceName,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser,
        ServerStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        context.AddServerStreamingMethod(Describe(MethodType.ServerStreaming, serviceName, name, requestParser, responseParser), [], handler);

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
        context.AddDuplexStreamingMethod(Describe(MethodType.DuplexStreaming, serviceName, name, requestParser, responseParser), [], handler);

    private static Method<TRequest, TResponse> Describe<TRequest, TResponse>(
        MethodType type, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(type, serviceName, name, Marshaller(requestParser), Marshaller(responseParser));

    /// <summary>A marshaller over the message's own parser.</summary>
    public static Marshaller<T> Marshaller<T>(MessageParser<T> parser)
        where T : class, IMessage<T> => Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
}
