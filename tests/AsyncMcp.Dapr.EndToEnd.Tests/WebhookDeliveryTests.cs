using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>Webhook delivery when the receiver is down for a while, down for good, or not allowed at all.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartWithWebhooksAsync(
        serverSettings: new Dictionary<string, string?> { ["Mcp:Webhooks:DeliveryTimeout"] = "00:00:01.500" },
        clientSettings: new Dictionary<string, string?> { ["Mcp:PubSub:ReplyTimeout"] = "00:00:04" });

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_receiver_down_for_a_while_gets_every_message_once_when_it_is_back()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var gate = _harness.Gate!;
        gate.FailWhen = _ => true;

        var call = client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2 }, cancellationToken: Timeout).AsTask();
        while (!gate.Deliveries.Any(d => d.Status == 503))
        {
            await Task.Delay(20, Timeout);
        }

        await Task.Delay(300, Timeout);
        gate.FailWhen = _ => false;
        var result = await call;

        Assert.Equal("job done after 2 steps", McpFeatureTests.Text(result));
        // The gate records a delivery once the client has answered it, which can be after the call has returned.
        await Wait.UntilAsync(() => gate.Deliveries.Where(d => d.Status == 503)
            .All(failed => gate.Deliveries.Any(d => d.Status == 204 && d.Headers["webhook-id"] == failed.Headers["webhook-id"])), Timeout);
        var delivered = gate.Deliveries.Where(d => d.Status == 204).GroupBy(d => d.Headers["webhook-id"]).ToList();
        Assert.All(delivered, group => Assert.Single(group));
        Assert.Contains(gate.Deliveries, d => d.Status == 503);
        Assert.All(gate.Deliveries.Where(d => d.Status == 503), failed => Assert.Contains(delivered, group => group.Key == failed.Headers["webhook-id"]));
    }

    [Fact]
    public async Task A_receiver_down_for_good_ends_the_pending_request_with_an_error_and_other_sessions_carry_on()
    {
        await using var doomed = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        await using var healthy = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var host = _harness.Server.App.Services.GetRequiredService<IMcpSessionHost>();
        Assert.Equal(2, host.OpenSessions);
        _harness.Gate!.FailWhen = body => body.Contains(doomed.SessionId!, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() =>
            doomed.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 3 }, cancellationToken: Timeout).AsTask());

        Assert.Equal(McpWireErrorCodes.ReplyTimedOut, (int)error.ErrorCode);
        Assert.Equal("still fine", McpFeatureTests.Text(await healthy.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "still fine" }, cancellationToken: Timeout)));
        // The server ends the undeliverable session once its outbox gives up, which the client's error can precede.
        await Wait.UntilAsync(() => host.OpenSessions == 1, Timeout);
    }

    [Theory]
    [InlineData("binding://undeclared/mcp/webhooks/replies")]
    [InlineData("binding://secretstore/mcp/webhooks/replies")]
    public async Task A_reply_binding_the_server_does_not_declare_is_refused_and_never_called(string replyTo)
    {
        var initialize = Event("refused-" + replyTo.GetHashCode(StringComparison.Ordinal), replyTo);
        await _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, Encoding.UTF8.GetBytes(initialize.ToJsonString()), ct: Timeout);

        while (_harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic).Count == 0)
        {
            await Task.Delay(20, Timeout);
        }

        Assert.Contains((string)initialize["id"]!, Encoding.UTF8.GetString(_harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic)[0].Body.Span));
        Assert.Empty(_harness.Gate!.Deliveries);
        Assert.Equal(0, _harness.Server.App.Services.GetRequiredService<IMcpSessionHost>().OpenSessions);
    }

    [Theory]
    [InlineData("binding://client-replies/../admin")]
    [InlineData("binding://client-replies/%2e%2e/admin")]
    [InlineData("binding://client-replies/@169.254.169.254/latest")]
    [InlineData("binding://client-replies/x?url=http://internal")]
    public async Task A_reply_path_that_could_leave_the_bindings_url_is_refused_as_malformed(string replyTo)
    {
        await _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, Encoding.UTF8.GetBytes(Event("bad-path", replyTo).ToJsonString()), ct: Timeout);

        while (_harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.DeadLetterTopic).Count == 0)
        {
            await Task.Delay(20, Timeout);
        }

        Assert.Empty(_harness.Gate!.Deliveries);
    }

    private static JsonObject Event(string id, string replyTo) =>
        ProbeEvents.Message(id, "probe", replyTo, ProbeEvents.Initialize("probe"), connection: "probe-connection");
}
