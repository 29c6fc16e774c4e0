using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol;
using DeliveryStatus = AsyncMcp.Dapr.Emulator.DeliveryStatus;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>How sessions end, and what a message for an ended session gets.</summary>
public sealed class SessionLifecycleTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestDeadline.Current;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync(
        serverSettings: new Dictionary<string, string?>
        {
            ["Mcp:PubSub:SessionIdleTimeout"] = "00:00:00.400",
        });

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task An_idle_session_expires_and_its_next_request_gets_session_not_found()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("before", await EchoAsync(client, "before"));

        await Task.Delay(1500, Timeout);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => EchoAsync(client, "after"));
        Assert.Equal(McpWireErrorCodes.SessionNotFound, (int)error.ErrorCode);
        Assert.Contains("Initialize a new session", error.Message);
    }

    [Fact]
    public async Task A_long_call_keeps_its_session_alive_past_the_idle_timeout()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        // 6 steps of 200 ms: three times the idle timeout, with a request in flight throughout.
        var result = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 6, ["stepMilliseconds"] = 200 }, cancellationToken: Timeout);

        Assert.Equal("job done after 6 steps", McpFeatureTests.Text(result));
    }

    [Fact]
    public async Task A_closed_session_answers_later_messages_with_session_not_found()
    {
        var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var sessionId = client.SessionId!;
        await client.DisposeAsync();

        await Wait.UntilAsync(async () =>
        {
            var replies = _harness.Emulator.Published(DaprMcpHarness.PubSub, "probe-replies").Count;
            await Inject(Guid.NewGuid().ToString("N"), sessionId);
            // The close travels on its own: a probe that reached the session before it gets no probe reply; send another.
            if (await Wait.ValueAsync(() => _harness.Emulator.Published(DaprMcpHarness.PubSub, "probe-replies").Count, count => count > replies, Timeout) <= replies)
            {
                return false;
            }

            var last = JsonNode.Parse(_harness.Emulator.Published(DaprMcpHarness.PubSub, "probe-replies")[^1].Body.Span)!;
            return (int?)last["data"]!["error"]?["code"] == McpWireErrorCodes.SessionNotFound;
        }, Timeout);
    }

    [Fact]
    public async Task An_error_reply_that_cannot_be_published_is_retried_and_then_dead_lettered_never_acknowledged_and_lost()
    {
        var outcome = new TaskCompletionSource<DeliveryOutcome>();
        _harness.Emulator.MessageSettled += (_, settled) =>
        {
            if (settled.CloudEventId == "unanswerable")
            {
                outcome.TrySetResult(settled);
            }
        };

        // The reply address names a pub/sub component the server's sidecar does not have: publishing the error fails.
        await Inject("unanswerable", "no-such-session", replyTo: "pubsub://missing-pubsub/replies");

        var settled = await outcome.Task.WaitAsync(Timeout);
        Assert.Equal(DeliveryStatus.DeadLettered, settled.Status);
        Assert.Equal(3, settled.Attempts);
        Assert.Contains(_harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic),
            message => Encoding.UTF8.GetString(message.Body.Span).Contains("unanswerable", StringComparison.Ordinal));
    }

    private Task Inject(string id, string sessionId, string replyTo = "pubsub://pubsub/probe-replies") =>
        _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "client",
            ["type"] = McpCloudEventTypes.Message,
            ["datacontenttype"] = "application/json",
            [McpCloudEventAttributes.SessionId] = sessionId,
            [McpCloudEventAttributes.ReplyTo] = replyTo,
            ["data"] = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/list" },
        }.ToJsonString()), ct: Timeout);

    private static async Task<string> EchoAsync(ModelContextProtocol.Client.McpClient client, string text) =>
        McpFeatureTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = text }, cancellationToken: Timeout));
}
