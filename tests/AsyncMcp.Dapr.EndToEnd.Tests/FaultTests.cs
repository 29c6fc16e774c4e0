using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>Bad input and faults on the server topic: each has its defined outcome and leaves other sessions working.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private const string ProbeTopic = "probe-replies";

    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestDeadline.Current;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync(
        serverSettings: new Dictionary<string, string?> { ["Mcp:PubSub:MaxMessageBytes"] = "16384" });

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_malformed_cloudevent_is_dropped_to_the_dead_letter_topic_and_other_sessions_keep_working()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        await _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, Encoding.UTF8.GetBytes("{ this is not json"), ct: Timeout);

        await Wait.UntilAsync(() => _harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic).Count == 1, Timeout);
        Assert.Contains("this is not json", Encoding.UTF8.GetString(_harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic)[0].Body.Span));
        Assert.Equal("ok", await EchoAsync(client, "ok"));
    }

    [Fact]
    public async Task Malformed_jsonrpc_is_dropped_to_the_dead_letter_topic_and_logged_with_its_id()
    {
        await using var client = await _harness.ConnectAsync(cancellationToken: Timeout);

        await InjectAsync(Event("bad-jsonrpc-1", new JsonObject { ["jsonrpc"] = "2.0", ["neither"] = "method nor result" }));

        await Wait.UntilAsync(() => _harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic).Count == 1, Timeout);
        Assert.Contains("bad-jsonrpc-1", Encoding.UTF8.GetString(_harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic)[0].Body.Span));
        Assert.Empty(_harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic));
        Assert.Equal("ok", await EchoAsync(client, "ok"));
    }

    [Fact]
    public async Task An_oversized_request_is_answered_with_a_too_large_error()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => EchoAsync(client, new string('x', 40_000)));

        Assert.Equal(McpWireErrorCodes.MessageTooLarge, (int)error.ErrorCode);
        Assert.Contains("larger than the wire limit", error.Message);
        Assert.Equal("ok", await EchoAsync(client, "ok"));
    }

    [Theory]
    [InlineData("oversized")]
    [InlineData("bad-jsonrpc")]
    [InlineData("unknown-session")]
    [InlineData("well-formed")]
    public async Task A_request_naming_a_refused_reply_address_is_dropped_once_on_every_path_and_nothing_is_sent_there(string shape)
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<AsyncMcp.Dapr.Emulator.DeliveryOutcome>();
        _harness.Emulator.MessageSettled += (_, outcome) => outcomes.Enqueue(outcome);
        var id = "refused-" + shape;
        var cloudEvent = shape switch
        {
            "oversized" => Event(id, Request(1, "tools/call", new JsonObject
            {
                ["name"] = "echo",
                ["arguments"] = new JsonObject { ["text"] = new string('x', 40_000) },
                ["_meta"] = SessionlessMeta(),
            })),
            "bad-jsonrpc" => Event(id, new JsonObject { ["jsonrpc"] = "2.0", ["neither"] = "method nor result" }),
            "unknown-session" => Event(id, Request(2, "tools/list"), sessionId: "no-such-session"),
            _ => Event(id, Request(3, "tools/list")),
        };

        // This server delivers by pub/sub only: a binding address is refused.
        cloudEvent[McpCloudEventAttributes.ReplyTo] = "binding://not-allowed/replies";
        await InjectAsync(cloudEvent);

        await Wait.UntilAsync(() => outcomes.Any(outcome => outcome.CloudEventId == id), Timeout);
        var settled = outcomes.Single(outcome => outcome.CloudEventId == id);
        Assert.Equal(AsyncMcp.Dapr.Emulator.DeliveryStatus.DeadLettered, settled.Status);
        Assert.Equal(1, settled.Attempts);
        Assert.Empty(_harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic));
    }

    [Fact]
    public async Task A_reply_larger_than_the_limit_becomes_an_error_instead_of_silence()
    {
        await using var client = await _harness.ConnectAsync(cancellationToken: Timeout);

        // The request is accepted (the receiving side allows for what the sidecar adds), the echoed reply is over the limit.
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => EchoAsync(client, new string('y', 16_500)));

        Assert.Equal(McpWireErrorCodes.MessageTooLarge, (int)error.ErrorCode);
    }

    [Fact]
    public async Task A_client_cannot_send_a_message_above_its_own_limit()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => EchoAsync(client, new string('z', 300 * 1024)));

        Assert.Contains("larger than the wire limit", error.Message);
    }

    [Fact]
    public async Task A_message_for_an_unknown_session_gets_a_session_not_found_error_at_its_reply_address()
    {
        await InjectAsync(Event("unknown-1", Request(5, "tools/list"), sessionId: "no-such-session"));

        var reply = await ReplyAsync();
        Assert.Equal(McpWireErrorCodes.SessionNotFound, (int?)reply["data"]!["error"]!["code"]);
        Assert.Equal(5, (int?)reply["data"]!["id"]);
        Assert.Equal("no-such-session", (string?)reply[McpCloudEventAttributes.SessionId]);
    }

    [Fact]
    public async Task A_duplicate_delivery_of_the_same_event_id_is_handled_once()
    {
        var call = Event("dup-1", Request(9, "tools/call", new JsonObject
        {
            ["name"] = "echo",
            ["arguments"] = new JsonObject { ["text"] = "once" },
            ["_meta"] = SessionlessMeta(),
        }));

        long redelivered = 0;
        using var meter = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "asyncmcp.messages.redelivered")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref redelivered, value));
        meter.Start();

        await InjectAsync(call);
        await InjectAsync(call);
        await InjectAsync(call);

        var reply = await ReplyAsync();
        Assert.Equal("once", (string?)reply["data"]!["result"]!["content"]![0]!["text"]);
        await Task.Delay(500, Timeout);
        Assert.Single(_harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic));
        Assert.True(Interlocked.Read(ref redelivered) >= 2, "the two repeated deliveries are counted as redelivered");
    }

    [Fact]
    public async Task A_session_used_from_another_app_id_is_refused_and_the_owner_keeps_it()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        await InjectAsync(Event("intruder-1", Request(3, "tools/list"), sessionId: client.SessionId, source: "intruder"));

        var reply = await ReplyAsync();
        Assert.Equal(McpWireErrorCodes.SessionForbidden, (int?)reply["data"]!["error"]!["code"]);
        Assert.Equal("mine", await EchoAsync(client, "mine"));
    }

    private static async Task<string> EchoAsync(ModelContextProtocol.Client.McpClient client, string text) =>
        McpFeatureTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = text }, cancellationToken: Timeout));

    private Task InjectAsync(JsonObject cloudEvent) =>
        _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()), ct: Timeout);

    private async Task<JsonObject> ReplyAsync()
    {
        await Wait.UntilAsync(() => _harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic).Count > 0, Timeout);
        return JsonNode.Parse(_harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic)[0].Body.Span)!.AsObject();
    }

    private static JsonObject Event(string id, JsonObject data, string? sessionId = null, string source = "probe") => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["source"] = source,
        ["type"] = McpCloudEventTypes.Message,
        ["datacontenttype"] = "application/json",
        [McpCloudEventAttributes.ReplyTo] = $"pubsub://{DaprMcpHarness.PubSub}/{ProbeTopic}",
        [McpCloudEventAttributes.Connection] = "probe-connection",
        [McpCloudEventAttributes.SessionId] = sessionId,
        ["data"] = data,
    };

    private static JsonObject Request(int id, string method, JsonObject? parameters = null) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["method"] = method,
        ["params"] = parameters ?? new JsonObject { ["_meta"] = SessionlessMeta() },
    };

    private static JsonObject SessionlessMeta() => new()
    {
        ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
        ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "probe", ["version"] = "1.0" },
        ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
    };
}
