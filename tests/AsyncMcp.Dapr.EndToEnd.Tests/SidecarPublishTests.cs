using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Emulator.RunFiles;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// Every request and answer is published through the sidecar's HTTP publish API (<c>POST /v1.0/publish/{pubsub}/{topic}</c>,
/// content type <c>application/cloudevents+json</c>), at the endpoint and with the API token the Dapr .NET SDK reads:
/// the event arrives whole, a refusal carries daprd's error code, and the token goes with every publish.
/// </summary>
public sealed class SidecarPublishTests : IAsyncLifetime
{
    private const string PubSub = "pubsub";
    private readonly DaprEmulator _emulator = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<McpDaprMetrics>().BuildServiceProvider();
    private DaprSidecar _sidecar = null!;

    private McpDaprMetrics Metrics => _services.GetRequiredService<McpDaprMetrics>();

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent(PubSub, "pubsub.in-memory");
        _sidecar = await _emulator.StartSidecarAsync("publisher", TestDeadline.Current);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_published_envelope_reaches_the_topic_as_the_whole_CloudEvent_it_was()
    {
        using var publisher = Publisher(new() { ["DAPR_HTTP_ENDPOINT"] = _sidecar.HttpEndpoint.ToString() });
        var envelope = McpEnvelope.Create("publisher", "session-1", "connection-1",
            new JsonRpcNotification { Method = "notifications/progress" }, ReplyAddress.ForPubSub(PubSub, "mcp-replies-publisher"), id: "event-1");

        await publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(envelope), TestDeadline.Current);

        var published = Assert.Single(_emulator.Published(PubSub, "mcp-requests"));
        Assert.Equal(McpEnvelopeCodec.CloudEventContentType, published.ContentType);
        using var cloudEvent = JsonDocument.Parse(published.Body);
        var root = cloudEvent.RootElement;
        Assert.Equal("event-1", root.GetProperty("id").GetString());
        Assert.Equal("publisher", root.GetProperty("source").GetString());
        Assert.Equal("notifications/progress", root.GetProperty("data").GetProperty("method").GetString());
        var decoded = new McpEnvelopeCodec().Decode(published.Body, WireLimits.DefaultMaxMessageBytes).Envelope!;
        Assert.Equal("session-1", decoded.SessionId);
        Assert.Equal("connection-1", decoded.Connection);
    }

    [Fact]
    public async Task A_publish_the_sidecar_refuses_throws_with_daprds_error_code_and_the_topic()
    {
        using var publisher = Publisher(new() { ["DAPR_HTTP_ENDPOINT"] = _sidecar.HttpEndpoint.ToString() });
        var envelope = McpEnvelope.Create("publisher", null, null, new JsonRpcNotification { Method = "notifications/progress" });

        var refused = await Assert.ThrowsAsync<SidecarPublishException>(() =>
            publisher.PublishAsync("no-such-pubsub", "mcp-requests", publisher.Encode(envelope), TestDeadline.Current));

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", refused.ErrorCode);
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", refused.Reason); // the ErrorInfo of the body's details
        Assert.Contains("ERR_PUBSUB_NOT_FOUND DAPR_PUBSUB_NOT_FOUND", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-pubsub", refused.Message, StringComparison.Ordinal);
        Assert.Contains("mcp-requests", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_sidecar_throws_HttpRequestException()
    {
        using var publisher = Publisher(new() { ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{FreePorts.Next()}" });
        var envelope = McpEnvelope.Create("publisher", null, null, new JsonRpcNotification { Method = "notifications/progress" });

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(envelope), TestDeadline.Current));
    }

    [Theory]
    [InlineData("token-5c1e")]
    [InlineData(null)]
    public async Task The_Dapr_API_token_goes_with_every_publish_and_the_port_alone_finds_the_sidecar(string? token)
    {
        // A stand-in for daprd that records what reaches its publish route.
        var seen = new List<(string Path, string? Token, string? ContentType)>();
        await using var sidecar = LoopbackApp.CreateBuilder().Build();
        sidecar.MapPost("/v1.0/publish/{pubsub}/{topic}", (HttpContext context) =>
        {
            lock (seen)
            {
                seen.Add((context.Request.Path, context.Request.Headers["dapr-api-token"].FirstOrDefault(), context.Request.ContentType));
            }

            return Results.NoContent();
        });
        var port = (await LoopbackApp.StartAsync(sidecar, TestDeadline.Current)).Port;

        var settings = new Dictionary<string, string?> { ["DAPR_HTTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (token is not null)
        {
            settings["DAPR_API_TOKEN"] = token;
        }

        using var publisher = Publisher(settings);
        var envelope = McpEnvelope.Create("publisher", null, null, new JsonRpcNotification { Method = "notifications/progress" });
        await publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(envelope), TestDeadline.Current);
        await publisher.PublishAsync(PubSub, "mcp-replies-a", publisher.Encode(envelope), TestDeadline.Current);

        Assert.Equal(
            [("/v1.0/publish/pubsub/mcp-requests", token, McpEnvelopeCodec.CloudEventContentType), ("/v1.0/publish/pubsub/mcp-replies-a", token, McpEnvelopeCodec.CloudEventContentType)],
            seen);
    }

    [Fact]
    public async Task Publishes_that_wait_behind_the_calls_under_way_go_out_in_one_bulk_call_each_as_the_exact_CloudEvent_with_its_own_trace()
    {
        // A stand-in for daprd's HTTP publish API holds the calls under way; the four published meanwhile wait for one
        // to end and then go out together through the emulated sidecar's gRPC bulk publish API.
        await using var held = await HeldPublishRoute.StartAsync();
        using var publisher = HeldPublisher(held, _sidecar.GrpcEndpoint.ToString());
        using var calls = new MetricCollector<int>(_services.GetRequiredService<IMeterFactory>(), McpDaprTelemetry.MeterName, "asyncmcp.publish.call.messages");

        var underWay = await FillCallsAsync(publisher, held, PubSub);
        var waiting = Enumerable.Range(1, 4)
            .Select(i => publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope($"event-{i}")), TestDeadline.Current))
            .ToList();
        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        var before = _emulator.PublishCounts.Calls;
        held.Release();
        await Task.WhenAll(underWay.Concat(waiting));

        Assert.Equal(Enumerable.Range(0, UnderWay).Select(i => $"under-way-{i}"), held.EventIds.Order(StringComparer.Ordinal));
        Assert.Equal(1, _emulator.PublishCounts.Calls - before); // one call for the four
        Assert.Equal([.. Enumerable.Repeat(1, UnderWay), 4], calls.GetMeasurementSnapshot().Select(m => m.Value));
        var published = _emulator.Published(PubSub, "mcp-requests");
        Assert.Equal(["event-1", "event-2", "event-3", "event-4"], published.Select(m => Id(m.Body)));
        foreach (var message in published)
        {
            using var cloudEvent = JsonDocument.Parse(message.Body);
            var root = cloudEvent.RootElement;
            var id = root.GetProperty("id").GetString()!;
            Assert.Equal(TraceOf(id), root.GetProperty("traceparent").GetString()); // its own trace, not the bulk call's
            Assert.Equal("12345678901234567890", root.GetProperty("data").GetProperty("params").GetProperty("big").GetRawText()); // exact
            Assert.Equal("mcp-requests", root.GetProperty("topic").GetString());
        }
    }

    [Fact]
    public async Task A_new_topic_still_batches_after_the_publisher_has_published_to_more_topics_than_it_keeps_queues_for()
    {
        // A server answers many clients, each on a reply topic of its own; clients come and go. Once the publisher has
        // seen as many topics as it keeps queues for, the idle ones make room, so a new busy topic still batches.
        await using var held = await HeldPublishRoute.StartAsync(heldTopic: "mcp-requests");
        using var publisher = HeldPublisher(held, _sidecar.GrpcEndpoint.ToString());
        for (var i = 0; i < McpEventPublisher.MaxQueuedTopics + 1; i++)
        {
            await publisher.PublishAsync(PubSub, $"mcp-replies-{i}", publisher.Encode(Envelope($"reply-{i}")), TestDeadline.Current);
        }

        var underWay = await FillCallsAsync(publisher, held, PubSub);
        var waiting = Enumerable.Range(1, 3)
            .Select(i => publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope($"event-{i}")), TestDeadline.Current))
            .ToList();
        var before = _emulator.PublishCounts.Calls;
        held.Release();
        await Task.WhenAll(underWay.Concat(waiting));

        Assert.Equal(1, _emulator.PublishCounts.Calls - before); // one bulk call for the three that waited
        Assert.Equal(["event-1", "event-2", "event-3"], _emulator.Published(PubSub, "mcp-requests").Select(m => Id(m.Body)));
    }

    [Fact]
    public async Task A_bulk_call_the_sidecar_refuses_fails_every_publish_in_it_with_the_refusal()
    {
        await using var held = await HeldPublishRoute.StartAsync();
        using var publisher = HeldPublisher(held, _sidecar.GrpcEndpoint.ToString());

        var underWay = await FillCallsAsync(publisher, held, "no-such-pubsub");
        var waiting = Enumerable.Range(1, 3)
            .Select(i => publisher.PublishAsync("no-such-pubsub", "mcp-requests", publisher.Encode(Envelope($"event-{i}")), TestDeadline.Current))
            .ToList();
        held.Release();
        await Task.WhenAll(underWay);

        foreach (var publish in waiting)
        {
            var refused = await Assert.ThrowsAsync<SidecarPublishException>(() => publish);
            Assert.Contains("pubsub no-such-pubsub is not found", refused.Message, StringComparison.Ordinal); // daprd's message
            Assert.Contains("InvalidArgument", refused.Message, StringComparison.Ordinal); // and its gRPC status
            Assert.Equal("DAPR_PUBSUB_NOT_FOUND", refused.Reason); // from the status details
        }
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_waiting_is_left_out_and_the_others_are_published()
    {
        await using var held = await HeldPublishRoute.StartAsync();
        using var publisher = HeldPublisher(held, _sidecar.GrpcEndpoint.ToString());

        var underWay = await FillCallsAsync(publisher, held, PubSub);
        using var givesUp = new CancellationTokenSource();
        var abandoned = publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope("event-1")), givesUp.Token);
        var kept = publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope("event-2")), TestDeadline.Current);
        var keptToo = publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope("event-3")), TestDeadline.Current);
        await givesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        held.Release();
        await Task.WhenAll(underWay.Append(kept).Append(keptToo));

        Assert.Equal(["event-2", "event-3"], _emulator.Published(PubSub, "mcp-requests").Select(m => Id(m.Body)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_sidecar_without_the_bulk_API_or_whose_gRPC_API_cannot_be_reached_gets_every_message_one_by_one(bool grpcAnswers)
    {
        // The gRPC endpoint answers every method with "unimplemented", as a sidecar before the bulk API does; or nobody
        // listens there (a gRPC port that is not the sidecar's).
        await using var held = await HeldPublishRoute.StartAsync();
        var grpc = grpcAnswers ? held.GrpcEndpoint.ToString() : $"http://127.0.0.1:{FreePorts.Next()}";
        using var publisher = HeldPublisher(held, grpc);

        var underWay = await FillCallsAsync(publisher, held, PubSub);
        var waiting = Enumerable.Range(1, 3)
            .Select(i => publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope($"event-{i}")), TestDeadline.Current))
            .ToList();
        held.Release();
        await Task.WhenAll(underWay.Concat(waiting));
        await publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope("event-4")), TestDeadline.Current);

        Assert.Equal(
            [.. Enumerable.Range(1, 4).Select(i => $"event-{i}"), .. Enumerable.Range(0, UnderWay).Select(i => $"under-way-{i}")],
            held.EventIds.Order(StringComparer.Ordinal));
        Assert.Equal(grpcAnswers ? 2 : 0, held.GrpcCalls); // the stable method and the alpha one asked once, then never again
    }

    [Fact]
    public async Task With_bulk_publish_off_every_message_is_a_publish_call_of_its_own()
    {
        await using var held = await HeldPublishRoute.StartAsync();
        using var publisher = HeldPublisher(held, _sidecar.GrpcEndpoint.ToString(), new McpPublishOptions { BulkPublish = false });

        var all = Enumerable.Range(0, UnderWay + 3)
            .Select(i => publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(Envelope($"event-{i}")), TestDeadline.Current))
            .ToList();
        await held.ArrivedAsync(UnderWay + 3); // none waits for another
        held.Release();
        await Task.WhenAll(all);

        Assert.Equal(UnderWay + 3, held.EventIds.Count);
        Assert.Empty(_emulator.Published(PubSub, "mcp-requests"));
    }

    // The publish calls one topic may have under way by default (McpPublishOptions.MaxConcurrentPublishes).
    private static readonly int UnderWay = new McpPublishOptions().MaxConcurrentPublishes;

    // Publishes as many messages as there may be sidecar calls under way, and waits until the stand-in holds them all.
    private static async Task<List<Task>> FillCallsAsync(McpEventPublisher publisher, HeldPublishRoute held, string pubSub)
    {
        var underWay = Enumerable.Range(0, UnderWay)
            .Select(i => publisher.PublishAsync(pubSub, "mcp-requests", publisher.Encode(Envelope($"under-way-{i}")), TestDeadline.Current))
            .ToList();
        await held.ArrivedAsync(UnderWay);
        return underWay;
    }

    private static string TraceOf(string eventId) =>
        $"00-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(eventId)))[..32]}-00f067aa0ba902b7-01";

    private static McpEnvelope Envelope(string id) =>
        McpEnvelope.Create("publisher", "session-1", "connection-1",
            new JsonRpcRequest { Id = new RequestId(1), Method = "tools/call", Params = JsonNode.Parse("{\"big\":12345678901234567890}") },
            ReplyAddress.ForPubSub(PubSub, "mcp-replies-publisher"), id: id) with
        { TraceParent = TraceOf(id) };

    private static string Id(ReadOnlyMemory<byte> cloudEvent)
    {
        using var document = JsonDocument.Parse(cloudEvent);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    // A publisher whose HTTP publishes go to the held stand-in and whose bulk publishes go to grpcEndpoint.
    private McpEventPublisher HeldPublisher(HeldPublishRoute held, string grpcEndpoint, McpPublishOptions? options = null) =>
        Publisher(new() { ["DAPR_HTTP_ENDPOINT"] = held.Endpoint.ToString(), ["DAPR_GRPC_ENDPOINT"] = grpcEndpoint }, options);

    private McpEventPublisher Publisher(Dictionary<string, string?> settings, McpPublishOptions? options = null) =>
        new(new McpEnvelopeCodec(), new ConfigurationBuilder().AddInMemoryCollection(settings).Build(),
            Options.Create(options ?? new McpPublishOptions()), Metrics, NullLogger<McpEventPublisher>.Instance);
}
