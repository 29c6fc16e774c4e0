using System.Collections.Concurrent;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>The proxy with pub/sub out and signed webhook replies in (Proxy:Backend = PubSubWithWebhookReplies).</summary>
public sealed class WebhookBackendTests : IAsyncLifetime
{
    private ProxyHarness _proxy = null!;

    public async ValueTask InitializeAsync() => _proxy = await ProxyHarness.StartWithWebhookRepliesAsync();

    public async ValueTask DisposeAsync() => await _proxy.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task A_standard_client_gets_results_and_progress_whose_replies_came_by_webhook(string? protocolVersion)
    {
        var timeout = TestDeadline.Current;
        await using var client = await _proxy.ConnectAsync(protocolVersion, cancellationToken: timeout);
        var reports = new ConcurrentQueue<ProgressNotificationValue>();

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "via webhook" }, cancellationToken: timeout);
        var job = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2 }, new Progress(reports.Enqueue), cancellationToken: timeout);

        Assert.Equal("via webhook", Text(echo));
        Assert.Equal("job done after 2 steps", Text(job));
        Assert.NotEmpty(reports);
        // The replies really took the webhook route: the gate in front of the proxy's receiver saw them.
        Assert.NotEmpty(_proxy.Dapr.Gate!.Deliveries);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));

    private sealed class Progress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
