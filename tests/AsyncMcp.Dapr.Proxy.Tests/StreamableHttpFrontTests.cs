using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>A C# MCP client over Streamable HTTP through the proxy, the emulator and the sample server.</summary>
public sealed class StreamableHttpFrontTests : IAsyncLifetime
{
    public static readonly TheoryData<string?> ProtocolVersions = new(null!, "2025-11-25");

    private ProxyHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await ProxyHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    internal static McpClientHandlers AnsweringHandlers() => new()
    {
        SamplingHandler = (_, _, _) => ValueTask.FromResult(new CreateMessageResult
        {
            Model = "test-model",
            Role = Role.Assistant,
            Content = [new TextContentBlock { Text = "a canned summary" }],
        }),
        ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult
        {
            Action = "accept",
            Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) },
        }),
    };

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Every_feature_works_through_the_proxy(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new List<string>();
        await using var client = await _harness.ConnectAsync(protocolVersion, AnsweringHandlers(), ct);
        Assert.Equal(protocolVersion ?? "2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal("asyncmcp-dapr-sample-server", client.ServerInfo?.Name);
        await using var logging = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (notification, _) =>
        {
            lock (logs)
            {
                logs.Add(notification.Params!.ToJsonString());
            }

            return default;
        });

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Contains(tools, tool => tool.Name == "slow_job");

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "through the proxy" }, cancellationToken: ct);
        Assert.Equal("through the proxy", Text(echo));

        var progress = new List<ProgressNotificationValue>();
        var job = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 3 },
            new SynchronousProgress(value => { lock (progress) { progress.Add(value); } }), cancellationToken: ct);
        Assert.Equal("job done after 3 steps", Text(job));
        var reported = await Wait.ValueAsync(() => { lock (progress) { return progress.Select(p => p.Progress).ToArray(); } }, values => values.Length >= 3, ct);
        // A broker may deliver the result before the last progress report (see StdioFrontTests).
        Assert.NotEmpty(reported);
        Assert.Subset(new HashSet<float> { 1f, 2f, 3f }, reported.ToHashSet());
        Assert.Equal(reported.Length, reported.Distinct().Count());

        Assert.Equal("summary from test-model: a canned summary", Text(await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "t" }, cancellationToken: ct)));
        Assert.Equal("confirmed: deploy", Text(await client.CallToolAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "deploy" }, cancellationToken: ct)));

        var status = await client.ReadResourceAsync("status://server", cancellationToken: ct);
        Assert.Contains("sample server", status.Contents.OfType<TextResourceContents>().Single().Text);
        var prompt = await client.GetPromptAsync("review_code", new Dictionary<string, object?> { ["code"] = "x = 1" }, cancellationToken: ct);
        Assert.Contains("x = 1", ((TextContentBlock)prompt.Messages.Single().Content).Text);
        var completion = await client.CompleteAsync(new PromptReference { Name = "review_code" }, "language", "py", cancellationToken: ct);
        Assert.Equal(["python"], completion.Completion.Values);

        if (protocolVersion is not null)
        {
            // 2026-07-28 moved logging out of notifications; 2025-11-25 clients still get them.
            var received = await Wait.ValueAsync(() => { lock (logs) { return logs.ToArray(); } }, all => all.Any(log => log.Contains("finished step 3 of 3", StringComparison.Ordinal)), ct);
            Assert.Contains(received, log => log.Contains("finished step 3 of 3", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Cancelling_a_call_reaches_the_server_and_the_session_keeps_working()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: ct);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallToolAsync(
            "slow_job", new Dictionary<string, object?> { ["steps"] = 50, ["stepMilliseconds"] = 100 }, cancellationToken: cancel.Token).AsTask());
        Assert.Equal("still here", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "still here" }, cancellationToken: ct)));
    }

    internal static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));

    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
