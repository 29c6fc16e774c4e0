using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// A pub/sub round trip with no MCP in it: the caller app publishes a CloudEvent carrying the same tools/call the
/// async paths send, the echo app's subscription decodes it and publishes the same answer they get back, and the
/// caller's subscription decodes that and completes the call. The same four exchanges, codec and publisher (with bulk
/// publish) as the pub/sub path; what that path costs beyond this is the MCP client, server and session host.
/// <paramref name="streamed"/>: both apps subscribe over a streaming subscription (gRPC SubscribeTopicEventsAlpha1)
/// instead of a route the sidecar POSTs each delivery to: the two publishes stay exchanges, the two deliveries become
/// messages on a stream.
/// </summary>
internal sealed class PubSubRoundTrip(bool streamed = false)
{
    private const string PubSub = "pubsub";
    private static readonly JsonTypeInfo MessageType = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private string RequestTopic => streamed ? "bench-stream-requests" : "bench-roundtrip-requests";

    private string ReplyTopic => streamed ? "bench-stream-replies" : "bench-roundtrip-replies";
    private const string DeliveryRoute = "/bench/deliveries";

    private static readonly McpEnvelopeCodec Codec = new();
    private static readonly JsonNode Arguments = JsonNode.Parse("""{"name":"echo","arguments":{"text":"x"}}""")!;
    private static readonly JsonNode Answer = JsonNode.Parse("""{"content":[{"type":"text","text":"x"}]}""")!;

    private readonly ConcurrentDictionary<long, TaskCompletionSource> _pending = new();
    private McpEventPublisher _publisher = null!;
    private long _nextId;

    /// <summary>One call: publish the request, wait for its answer's delivery.</summary>
    public async Task CallAsync()
    {
        var id = Interlocked.Increment(ref _nextId);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answered;
        var request = McpEnvelope.Create("bench-caller", null, "connection-1",
            new JsonRpcRequest { Id = new RequestId(id), Method = RequestMethods.ToolsCall, Params = Arguments.DeepClone() },
            ReplyAddress.ForPubSub(PubSub, ReplyTopic));
        await _publisher.PublishAsync(PubSub, RequestTopic, Codec.Encode(request), CancellationToken.None);
        await answered.Task;
    }

    /// <summary>The caller app: publishes requests, subscribes to the answers.</summary>
    public WebApplication BuildCaller(string[] args, Action<WebApplicationBuilder> configure)
    {
        var app = Build(args, configure, ReplyTopic, envelope =>
        {
            if (envelope.Message is JsonRpcResponse { Id.Id: long id } && _pending.TryRemove(id, out var answered))
            {
                answered.TrySetResult();
            }

            return Task.CompletedTask;
        });
        _publisher = Publisher(app);
        return app;
    }

    /// <summary>The echo app: answers every request on the caller's reply topic.</summary>
    public WebApplication BuildEcho(string[] args, Action<WebApplicationBuilder> configure)
    {
        McpEventPublisher? publisher = null;
        var app = Build(args, configure, RequestTopic, envelope =>
        {
            var answer = McpEnvelope.Create("bench-echo", null, envelope.Connection,
                new JsonRpcResponse { Id = ((JsonRpcRequest)envelope.Message!).Id, Result = Answer.DeepClone() });
            return publisher!.PublishAsync(PubSub, envelope.ReplyTo!.Target, Codec.Encode(answer), CancellationToken.None);
        });
        publisher = Publisher(app);
        return app;
    }

    // An app with one programmatic subscription whose route decodes each delivery and hands it on before it answers SUCCESS.
    private WebApplication Build(string[] args, Action<WebApplicationBuilder> configure, string topic, Func<McpEnvelope, Task> handle)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure(builder);
        builder.Services.AddMetrics();
        var app = builder.Build();
        if (streamed)
        {
            app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => SubscribeAsync(app.Configuration["DAPR_GRPC_ENDPOINT"]!, topic, handle)));
            return app;
        }

        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = PubSub, topic, route = DeliveryRoute } }));
        app.MapPost(DeliveryRoute, async context =>
        {
            var body = await DeliveryResponse.ReadBodyAsync(context.Request, WireLimits.DefaultMaxMessageBytes, context.RequestAborted);
            var decoded = Codec.Decode(body!.Value, WireLimits.DefaultMaxMessageBytes);
            await handle(decoded.Envelope!);
            await DeliveryResponse.WriteAsync(context, DeliveryStatus.Success);
        });
        return app;
    }

    private static McpEventPublisher Publisher(WebApplication app) =>
        new(Codec, app.Configuration, Options.Create(new McpPublishOptions()),
            new McpDaprMetrics(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<McpEventPublisher>.Instance);

    // The same subscription as a streaming subscription on the sidecar's gRPC API: each message is decoded from the
    // envelope's data and extensions, handled on the thread pool (as Kestrel runs each delivery), and answered SUCCESS
    // up the stream, one write at a time. The stream lives as long as the app.
    private static async Task SubscribeAsync(string endpoint, string topic, Func<McpEnvelope, Task> handle)
    {
        var channel = GrpcChannel.ForAddress(endpoint);
        var call = new DaprGrpc.DaprClient(channel).SubscribeTopicEventsAlpha1();
        var send = new SemaphoreSlim(1, 1);
        await call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1
        {
            InitialRequest = new SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = PubSub, Topic = topic },
        });
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.EventMessage is not { } delivered)
            {
                continue;
            }

            _ = Task.Run(async () =>
            {
                var fields = delivered.Extensions.Fields;
                _ = ReplyAddress.TryParse(fields.TryGetValue(McpCloudEventAttributes.ReplyTo, out var replyTo) ? replyTo.StringValue : null, out var address);
                var envelope = new McpEnvelope
                {
                    Id = delivered.Id,
                    Source = delivered.Source,
                    Connection = fields.TryGetValue(McpCloudEventAttributes.Connection, out var connection) ? connection.StringValue : null,
                    ReplyTo = address,
                    Message = JsonSerializer.Deserialize(delivered.Data.Span, MessageType) as JsonRpcMessage,
                };
                await handle(envelope);
                await send.WaitAsync();
                try
                {
                    await call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1
                    {
                        EventProcessed = new SubscribeTopicEventsRequestProcessedAlpha1
                        {
                            Id = delivered.Id,
                            Status = new TopicEventResponse { Status = TopicEventResponse.Types.TopicEventResponseStatus.Success },
                        },
                    });
                }
                finally
                {
                    send.Release();
                }
            });
        }
    }
}
