using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// Every MCP feature that crosses the wire, through a real McpClient, the pub/sub client transport, the emulated
/// sidecars and broker, the server transport and a real McpServer, for both protocol generations, over each session
/// host (in memory, Dapr actors, Dapr workflows).
/// </summary>
public abstract class McpFeatureTests : IAsyncLifetime
{
    public static readonly TheoryData<string?> ProtocolVersions = new(null!, "2025-11-25");

    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestDeadline.Current;

    /// <summary>The server settings that select the session host.</summary>
    protected virtual Dictionary<string, string?>? HostSettings => null;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync(HostSettings);

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Lifecycle_negotiates_the_protocol_and_tools_can_be_listed_and_called(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);

        Assert.Equal(protocolVersion ?? "2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal("asyncmcp-dapr-sample-server", client.ServerInfo?.Name);
        if (protocolVersion is null)
        {
            Assert.Null(client.SessionId);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(client.SessionId));
        }

        var tools = await client.ListToolsAsync(cancellationToken: Timeout);
        Assert.Equal(["confirm_action", "echo", "slow_job", "summarize"], tools.Select(tool => tool.Name).Order());

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "over dapr" }, cancellationToken: Timeout);
        Assert.Equal("over dapr", Text(result));
        if (protocolVersion is not null)
        {
            // ping exists only in the session-based generation.
            await client.PingAsync(cancellationToken: Timeout);
        }
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Progress_notifications_reach_the_caller_in_order(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);
        var reports = new ConcurrentQueue<ProgressNotificationValue>();

        var result = await client.CallToolAsync(
            "slow_job", new Dictionary<string, object?> { ["steps"] = 4 }, new SynchronousProgress(reports.Enqueue), cancellationToken: Timeout);

        Assert.Equal("job done after 4 steps", Text(result));
        // The broker may deliver the result before the last reports, which the client then ignores; the ones that
        // arrive are in range, not repeated, and in order.
        var received = reports.Select(report => report.Progress).ToList();
        Assert.NotEmpty(received);
        Assert.All(received, progress => Assert.InRange(progress, 1f, 4f));
        Assert.Equal(received.Order(), received);
        Assert.Equal(received.Distinct().Count(), received.Count);
        Assert.All(reports, report => Assert.Equal(4f, report.Total));
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Logging_notifications_reach_the_client(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);
        var messages = new ConcurrentQueue<string>();
        await using var _ = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (notification, _) =>
        {
            var payload = notification.Params.Deserialize<LoggingMessageNotificationParams>(McpJsonUtilities.DefaultOptions)!;
            messages.Enqueue(payload.Data.GetString()!);
            return ValueTask.CompletedTask;
        });
        if (protocolVersion is not null)
        {
            await client.SetLoggingLevelAsync(LoggingLevel.Info, cancellationToken: Timeout);
        }

        await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2 }, cancellationToken: Timeout);

        // Notifications are not bound to the request: each arrives, even after the result, in whatever order the broker keeps.
        while (messages.Count < 2)
        {
            await Task.Delay(20, Timeout);
        }

        Assert.Equal(["finished step 1 of 2", "finished step 2 of 2"], messages.Order());
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Cancelling_a_running_call_stops_the_tool_on_the_server(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);
        var reports = new ConcurrentQueue<ProgressNotificationValue>();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        var firstReport = new TaskCompletionSource();

        var call = client.CallToolAsync(
            "slow_job",
            new Dictionary<string, object?> { ["steps"] = 200, ["stepMilliseconds"] = 25 },
            new SynchronousProgress(report => { reports.Enqueue(report); firstReport.TrySetResult(); }),
            cancellationToken: cancel.Token).AsTask();
        await firstReport.Task.WaitAsync(Timeout);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        // The server got notifications/cancelled: progress stops well before the 200 steps would end.
        await Task.Delay(400, Timeout);
        var settled = reports.Count;
        await Task.Delay(400, Timeout);
        Assert.Equal(settled, reports.Count);
        Assert.True(settled < 100, $"{settled} progress reports arrived after cancellation");
        Assert.Equal("still here", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "still here" }, cancellationToken: Timeout)));
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Sampling_is_answered_by_the_client(string? protocolVersion)
    {
        var prompts = new ConcurrentQueue<string>();
        var handlers = new McpClientHandlers
        {
            SamplingHandler = (request, _, _) =>
            {
                prompts.Enqueue(string.Concat(request!.Messages.SelectMany(message => message.Content).OfType<TextContentBlock>().Select(block => block.Text)));
                return ValueTask.FromResult(new CreateMessageResult { Model = "test-model", Role = Role.Assistant, Content = [new TextContentBlock { Text = "short" }] });
            },
        };
        await using var client = await _harness.ConnectAsync(protocolVersion, handlers, Timeout);

        var result = await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "a long story" }, cancellationToken: Timeout);

        Assert.Equal("summary from test-model: short", Text(result));
        Assert.Contains("Summarize: a long story", prompts);
    }

    [Theory]
    [InlineData("summarize", "text", "sampling", null)]
    [InlineData("summarize", "text", "sampling", "2025-11-25")]
    [InlineData("confirm_action", "action", "elicitation", null)]
    [InlineData("confirm_action", "action", "elicitation", "2025-11-25")]
    public async Task A_tool_needing_a_client_capability_the_client_lacks_fails_naming_it(string tool, string argument, string capability, string? protocolVersion)
    {
        // No sampling or elicitation handler: the client does not declare those capabilities.
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);

        var result = await client.CallToolAsync(tool, new Dictionary<string, object?> { [argument] = "x" }, cancellationToken: Timeout);

        Assert.True(result.IsError);
        Assert.Contains($"'{tool}' needs the client capability '{capability}'", Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Elicitation_is_answered_by_the_client(string? protocolVersion)
    {
        var questions = new ConcurrentQueue<string>();
        var handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                questions.Enqueue(request!.Message);
                return ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) },
                });
            },
        };
        await using var client = await _harness.ConnectAsync(protocolVersion, handlers, Timeout);

        var result = await client.CallToolAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "deploy" }, cancellationToken: Timeout);

        Assert.Equal("confirmed: deploy", Text(result));
        Assert.Contains("Do you want to deploy?", questions);
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Resources_and_templates_can_be_listed_and_read(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);

        var resources = await client.ListResourcesAsync(cancellationToken: Timeout);
        var templates = await client.ListResourceTemplatesAsync(cancellationToken: Timeout);
        var status = await client.ReadResourceAsync("status://server", cancellationToken: Timeout);
        var job = await client.ReadResourceAsync("jobs://42", cancellationToken: Timeout);

        Assert.Contains(resources, resource => resource.Uri == "status://server");
        Assert.Contains(templates, template => template.UriTemplate == "jobs://{id}");
        Assert.StartsWith("AsyncMcp.Dapr sample server", Assert.IsType<TextResourceContents>(Assert.Single(status.Contents)).Text);
        Assert.Equal("report of job 42: done", Assert.IsType<TextResourceContents>(Assert.Single(job.Contents)).Text);
    }

    [Theory]
    [MemberData(nameof(ProtocolVersions))]
    public async Task Prompts_can_be_listed_and_rendered_and_arguments_completed(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);

        var prompts = await client.ListPromptsAsync(cancellationToken: Timeout);
        var prompt = await client.GetPromptAsync("review_code", new Dictionary<string, object?> { ["code"] = "x = 1", ["language"] = "python" }, cancellationToken: Timeout);
        var completion = await client.CompleteAsync(new PromptReference { Name = "review_code" }, "language", "py", cancellationToken: Timeout);

        Assert.Equal("review_code", Assert.Single(prompts).Name);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(prompt.Messages).Content).Text;
        Assert.Equal("Please review this python code:\nx = 1", text);
        Assert.Equal(["python"], completion.Completion.Values);
    }

    internal static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));

    /// <summary>Reports on the caller's thread, so that the order of reports is the order of arrival.</summary>
    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}

/// <summary>The features over sessions held in memory by one replica.</summary>
public sealed class InMemoryMcpFeatureTests : McpFeatureTests;

/// <summary>The features over sessions hosted as Dapr actors.</summary>
public sealed class ActorMcpFeatureTests : McpFeatureTests
{
    protected override Dictionary<string, string?>? HostSettings => new() { ["Mcp:Sessions:Actors"] = "true" };
}

/// <summary>The features over sessions hosted as Dapr workflow instances.</summary>
public sealed class WorkflowMcpFeatureTests : McpFeatureTests
{
    protected override Dictionary<string, string?>? HostSettings => new() { ["Mcp:Sessions:Workflows"] = "true" };
}
