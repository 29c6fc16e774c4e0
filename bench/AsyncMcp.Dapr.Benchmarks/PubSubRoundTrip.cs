using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// A pub/sub round trip with no MCP in it: the caller app publishes a CloudEvent carrying the same tools/call the
/// async paths send, the echo app's subscription decodes it and publishes the same answer they get back, and the
/// caller's subscription decodes that and completes the call. The same four exchanges, codec and publisher (with bulk
/// publish) as the pub/sub path; what that path costs beyond this is the MCP client, server and session host.
/// </summary>
internal sealed class PubSubRoundTrip
{
    private const string PubSub = "pubsub";
    private const string RequestTopic = "bench-roundtrip-requests";
    private const string ReplyTopic = "bench-roundtrip-replies";
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
    public static WebApplication BuildEcho(string[] args, Action<WebApplicationBuilder> configure)
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
    private static WebApplication Build(string[] args, Action<WebApplicationBuilder> configure, string topic, Func<McpEnvelope, Task> handle)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure(builder);
        builder.Services.AddMetrics();
        var app = builder.Build();
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
}
