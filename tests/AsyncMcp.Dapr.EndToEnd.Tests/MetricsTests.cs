using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// The library's counters as an operator reads them: messages in and out per topic, drops by reason, and dead letters
/// read back from the dead-letter topic by the server (MapMcpDeadLetters), each tagged with the topic it came from.
/// Each test uses topics of its own, so that measurements of tests running alongside do not count.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly string _requests = "metrics-requests-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _replies = "metrics-replies-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _deadLetters = "metrics-dead-" + Guid.NewGuid().ToString("N")[..8];
    private readonly MetricRecorder _metrics = new();
    private readonly LogRecorder _logs = new(category => category.StartsWith("AsyncMcp.Dapr", StringComparison.Ordinal)) { Recording = true };
    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestDeadline.Current;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync(
        serverSettings: new Dictionary<string, string?> { ["Mcp:PubSub:Topic"] = _requests, ["Mcp:PubSub:DeadLetterTopic"] = _deadLetters },
        clientSettings: new Dictionary<string, string?> { ["Mcp:PubSub:ServerTopic"] = _requests, ["Mcp:PubSub:ReplyTopic"] = _replies },
        configureApps: _logs.AddTo);

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _metrics.Dispose();
    }

    [Fact]
    public async Task A_round_trip_is_counted_out_and_in_on_each_topic()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "counted" }, cancellationToken: Timeout);

        // A delivery is counted when its handler returns, which may be after its answer reached the client: wait for
        // the three requests' counts too, not only for the answers.
        await Wait.UntilAsync(() => _metrics.Sum("asyncmcp.messages.delivered", ("messaging.destination.name", _replies)) >= 2
            && _metrics.Sum("asyncmcp.messages.delivered", ("messaging.destination.name", _requests)) >= 3, Timeout);
        Assert.True(_metrics.Sum("asyncmcp.messages.published", ("messaging.destination.name", _requests)) >= 3, "initialize, initialized, tools/call out");
        Assert.True(_metrics.Sum("asyncmcp.messages.published", ("messaging.destination.name", _replies)) >= 2, "two answers out");
        Assert.True(_metrics.Sum("asyncmcp.messages.delivered",
            ("messaging.destination.name", _requests), ("url.path", "/mcp/pubsub/requests"), ("outcome", "Success")) >= 3, "three requests in");
        Assert.Equal(2, _metrics.Sum("asyncmcp.messages.delivered",
            ("messaging.destination.name", _replies), ("url.path", "/mcp/pubsub/replies"), ("outcome", "Success")));
        Assert.Equal(0, _metrics.Sum("asyncmcp.messages.dropped", ("messaging.destination.name", _requests)));
    }

    [Fact]
    public async Task A_malformed_message_is_counted_as_dropped_with_its_reason_and_read_back_as_a_dead_letter()
    {
        // Published through a sidecar, as any app would: the sidecar stamps the topic on the event.
        await PublishAsync(Event("malformed-1", new JsonObject { ["jsonrpc"] = "2.0", ["neither"] = "method nor result" }));

        await Wait.UntilAsync(() => _metrics.Sum("asyncmcp.messages.dead_lettered", ("messaging.destination.name", _requests)) == 1, Timeout);
        Assert.Equal(1, _metrics.Sum("asyncmcp.messages.dropped", ("error.type", "malformed_json_rpc"), ("messaging.destination.name", _requests)));
        Assert.Equal(1, _metrics.Sum("asyncmcp.messages.delivered", ("messaging.destination.name", _requests), ("outcome", "Drop")));

        // The dead letter is logged with the id and session of the message that died.
        var line = Assert.Single(_logs.Lines, l => l.EventId.Id == 1018);
        Assert.Equal("malformed-1", line.ValuesOf("MessageId").First());
        Assert.Equal("a-session", line.ValuesOf("SessionId").First());
        Assert.Equal(_requests, line.ValuesOf("Topic").First());
    }

    [Fact]
    public async Task JSON_that_is_no_CloudEvent_is_dropped_as_malformed()
    {
        // A foreign publisher's JSON, put straight on the broker (no sidecar stamps a topic: the subscribed one counts).
        await _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, _requests, """{"hello":"world"}"""u8.ToArray(), ct: Timeout);

        await Wait.UntilAsync(() => _metrics.Sum("asyncmcp.messages.delivered", ("messaging.destination.name", _requests), ("outcome", "Drop")) == 1, Timeout);
        Assert.Equal(1, _metrics.Sum("asyncmcp.messages.dropped", ("error.type", "malformed_cloud_event"), ("messaging.destination.name", _requests)));
    }

    [Fact]
    public async Task Bytes_that_are_not_JSON_never_reach_the_request_endpoint_but_are_seen_as_a_dead_letter()
    {
        await _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, _requests, "{ this is not json"u8.ToArray(), ct: Timeout);

        // The sidecar cannot read them as a CloudEvent and dead-letters them itself; rawPayload on the dead-letter
        // subscription still lets them through to the server, which logs them without an id (they have none).
        await Wait.UntilAsync(() => _logs.Lines.Any(l => l.EventId.Id == 1019), Timeout);
        Assert.Equal(0, _metrics.Sum("asyncmcp.messages.delivered", ("messaging.destination.name", _requests)));
        Assert.Contains(_deadLetters, _logs.Lines.Single(l => l.EventId.Id == 1019).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_for_an_unknown_session_is_counted_as_dropped_with_that_reason()
    {
        await PublishAsync(Event("unknown-1", new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/list" }));

        // Answered with an error, so the sidecar is told SUCCESS: nothing is dead-lettered.
        await Wait.UntilAsync(() => _metrics.Sum("asyncmcp.messages.delivered", ("messaging.destination.name", _requests)) == 1, Timeout);
        Assert.Equal(1, _metrics.Sum("asyncmcp.messages.delivered", ("messaging.destination.name", _requests), ("outcome", "Success")));
        Assert.Equal(1, _metrics.Sum("asyncmcp.messages.dropped", ("messaging.destination.name", _requests)));
        Assert.Equal(1, _metrics.Sum("asyncmcp.messages.dropped", ("error.type", "unknown_session"), ("messaging.destination.name", _requests)));
    }

    private Task PublishAsync(JsonObject cloudEvent) =>
        _harness.Client.App.Services.GetRequiredService<DaprClient>().PublishByteEventAsync(
            DaprMcpHarness.PubSub, _requests, Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()), McpEnvelopeCodec.CloudEventContentType, cancellationToken: Timeout);

    private JsonObject Event(string id, JsonObject data) =>
        ProbeEvents.Message(id, "client", $"pubsub://{DaprMcpHarness.PubSub}/{_replies}", data, sessionId: "a-session", connection: "metrics-probe");
}
