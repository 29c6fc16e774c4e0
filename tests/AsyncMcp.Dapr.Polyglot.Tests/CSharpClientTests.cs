using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>The C# client (<c>PubSubClientTransport</c>) against a TypeScript MCP server on the asyncmcp-dapr transport.</summary>
public sealed class CSharpClientTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;
    private TypeScriptServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await DaprMcpHarness.StartAsync(clientSettings: TypeScriptServer.ClientSettings);
        _server = await TypeScriptServer.StartAsync(_harness.Emulator);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Tools_progress_errors_and_cancellation_work_against_a_typescript_server()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: ct);
        Assert.Equal("ts-server", client.ServerInfo?.Name);
        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        var session = await _server.Node.WaitForAsync("session");
        Assert.Matches("^[0-9a-f]{32}$", session.GetProperty("sessionId").GetString()!);
        Assert.Equal("client", session.GetProperty("owner").GetString());

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Equal(["big", "confirm_action", "count", "echo", "fail", "slow_job", "summarize"], tools.Select(t => t.Name).Order());

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "hello from C#" }, cancellationToken: ct);
        Assert.Equal("hello from C#", Text(echo));

        var progress = new ProgressLog();
        var slow = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 3 }, progress, cancellationToken: ct);
        Assert.Equal("job done after 3 steps", Text(slow));
        Assert.Equal([1f, 2f, 3f], await Wait.ValueAsync(progress.Progresses, p => p.Count == 3, ct));

        // A tool that throws, and an unknown tool, are tool errors (isError) in the TypeScript SDK; a method the
        // server does not serve is a JSON-RPC error.
        var failed = await client.CallToolAsync("fail", cancellationToken: ct);
        Assert.True(failed.IsError);
        Assert.Contains("the tool failed on purpose", Text(failed), StringComparison.Ordinal);
        var unknown = await client.CallToolAsync("no_such_tool", cancellationToken: ct);
        Assert.True(unknown.IsError);
        Assert.Contains("no_such_tool", Text(unknown), StringComparison.Ordinal);
        var notServed = await Assert.ThrowsAsync<McpProtocolException>(() => client.SendRequestAsync(
            new JsonRpcRequest { Method = RequestMethods.PromptsList }, ct));
        Assert.Equal(McpErrorCode.MethodNotFound, notServed.ErrorCode);

        // Cancelling the call sends notifications/cancelled; the TypeScript tool sees its signal aborted.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = new TaskCompletionSource();
        var call = client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 500 },
            new ProgressLog(_ => started.TrySetResult()), cancellationToken: cancel.Token).AsTask();
        await started.Task.WaitAsync(ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var cancelled = await _server.Node.WaitForAsync("cancelled");
        Assert.True(cancelled.GetProperty("step").GetInt32() < 500);

        Assert.Equal("still here", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "still here" }, cancellationToken: ct)));
    }

    [Fact]
    public async Task Sampling_and_elicitation_from_a_typescript_server_are_answered_by_the_csharp_client()
    {
        var ct = TestContext.Current.CancellationToken;
        var handlers = new McpClientHandlers
        {
            SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
            {
                Model = "csharp-model",
                Role = Role.Assistant,
                Content = [new TextContentBlock { Text = $"{request!.Messages.Count} message(s) summarized in C#" }],
            }),
            ElicitationHandler = (request, _) => ValueTask.FromResult(new ElicitResult
            {
                Action = "accept",
                Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) },
            }),
        };
        await using var client = await _harness.ConnectAsync("2025-11-25", handlers, ct);

        var summary = await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "a long text" }, cancellationToken: ct);
        Assert.Equal("summary from csharp-model: 1 message(s) summarized in C#", Text(summary));
        var confirmed = await client.CallToolAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "book" }, cancellationToken: ct);
        Assert.Equal("""accept: {"confirm":true}""", Text(confirmed));
    }

    [Fact]
    public async Task A_client_on_the_sdk_default_protocol_falls_back_to_initialize_with_a_typescript_server()
    {
        // The TypeScript SDK (1.32.2) speaks 2025-11-25 at most: it answers the 2026-07-28 server/discover probe with
        // method-not-found, and the C# client then initializes a session, all over the same transport.
        var ct = TestContext.Current.CancellationToken;
        await using var client = await _harness.ConnectAsync(cancellationToken: ct);
        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        Assert.Equal("hi", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: ct)));
        var probe = _harness.Emulator.Published(DaprMcpHarness.PubSub, TypeScriptServer.Topic)
            .Select(m => JsonDocument.Parse(m.Body).RootElement)
            .First();
        Assert.Equal("server/discover", probe.GetProperty("data").GetProperty("method").GetString());
        Assert.False(probe.TryGetProperty("mcpsessionid", out _));
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
}
