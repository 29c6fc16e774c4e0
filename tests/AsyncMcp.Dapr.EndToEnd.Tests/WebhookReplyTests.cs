using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// A real McpClient whose requests go over pub/sub and whose replies come back by signed webhook through a Dapr
/// HTTP output binding, for both protocol generations.
/// </summary>
public sealed class WebhookReplyTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartWithWebhooksAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [MemberData(nameof(McpFeatureTests.ProtocolVersions), MemberType = typeof(McpFeatureTests))]
    public async Task Initialize_and_tools_work_with_every_reply_signed_and_none_on_pubsub(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);

        Assert.Equal(protocolVersion ?? "2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal("asyncmcp-dapr-sample-server", client.ServerInfo?.Name);
        var tools = await client.ListToolsAsync(cancellationToken: Timeout);
        Assert.Contains(tools, tool => tool.Name == "echo");
        Assert.Equal("by webhook", McpFeatureTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "by webhook" }, cancellationToken: Timeout)));

        var deliveries = _harness.Gate!.Deliveries.ToList();
        Assert.NotEmpty(deliveries);
        Assert.All(deliveries, delivery =>
        {
            Assert.Equal(204, delivery.Status);
            Assert.Equal("mcp/webhooks/replies", delivery.Path);
            Assert.StartsWith("v1,", delivery.Headers["webhook-signature"], StringComparison.Ordinal);
            Assert.Equal("application/cloudevents+json", delivery.Headers["content-type"]);
        });
        Assert.Empty(_harness.Emulator.Published(DaprMcpHarness.PubSub, "mcp-replies-client"));
    }

    [Theory]
    [MemberData(nameof(McpFeatureTests.ProtocolVersions), MemberType = typeof(McpFeatureTests))]
    public async Task Progress_arrives_by_webhook_in_order_before_the_result(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);
        var reports = new ConcurrentQueue<ProgressNotificationValue>();

        var result = await client.CallToolAsync(
            "slow_job", new Dictionary<string, object?> { ["steps"] = 3 }, new SynchronousProgress(reports.Enqueue), cancellationToken: Timeout);

        Assert.Equal("job done after 3 steps", McpFeatureTests.Text(result));
        Assert.Equal([1f, 2f, 3f], reports.Select(report => report.Progress));
    }

    [Theory]
    [MemberData(nameof(McpFeatureTests.ProtocolVersions), MemberType = typeof(McpFeatureTests))]
    public async Task Sampling_is_answered_by_the_client(string? protocolVersion)
    {
        var handlers = new McpClientHandlers
        {
            SamplingHandler = (_, _, _) => ValueTask.FromResult(new CreateMessageResult
            {
                Model = "webhook-model",
                Role = Role.Assistant,
                Content = [new TextContentBlock { Text = "brief" }],
            }),
        };
        await using var client = await _harness.ConnectAsync(protocolVersion, handlers, Timeout);

        var result = await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "a long story" }, cancellationToken: Timeout);

        Assert.Equal("summary from webhook-model: brief", McpFeatureTests.Text(result));
    }

    [Theory]
    [MemberData(nameof(McpFeatureTests.ProtocolVersions), MemberType = typeof(McpFeatureTests))]
    public async Task Elicitation_is_answered_by_the_client(string? protocolVersion)
    {
        var handlers = new McpClientHandlers
        {
            ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult
            {
                Action = "accept",
                Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) },
            }),
        };
        await using var client = await _harness.ConnectAsync(protocolVersion, handlers, Timeout);

        var result = await client.CallToolAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "ship" }, cancellationToken: Timeout);

        Assert.Equal("confirmed: ship", McpFeatureTests.Text(result));
    }

    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
