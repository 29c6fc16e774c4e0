using System.Text.Json;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>
/// A TypeScript MCP client (the official SDK from npm on the asyncmcp-dapr transport, in its own Node process with
/// its own emulated sidecar) against the C# sample server, over the emulated broker.
/// </summary>
public sealed class TypeScriptClientTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;
    private DaprSidecar _sidecar = null!;

    public async ValueTask InitializeAsync()
    {
        TypeScriptFolders.EnsureInstalled();
        _harness = await DaprMcpHarness.StartAsync();
        _sidecar = await _harness.Emulator.StartSidecarAsync("ts-client");
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_typescript_client_initializes_lists_calls_with_progress_and_sampling_gets_errors_and_cancels()
    {
        await using var node = await StartClientAsync();

        var initialized = await node.NextAsync("initialized");
        Assert.Equal("2025-11-25", initialized.GetProperty("protocolVersion").GetString());
        var sessionId = initialized.GetProperty("sessionId").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", sessionId);
        Assert.Equal("asyncmcp-dapr-sample-server", initialized.GetProperty("server").GetProperty("name").GetString());

        var tools = (await node.NextAsync("tools")).GetProperty("names").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("echo", tools);
        Assert.Contains("slow_job", tools);
        Assert.Contains("summarize", tools);

        Assert.Equal("hello from TypeScript", (await node.NextAsync("echo")).GetProperty("text").GetString());

        // The C# server's sampling request reached the TypeScript client, whose answer went back over the server topic.
        Assert.Equal("summary from ts-model: 1 message(s) summarized in TypeScript", (await node.NextAsync("sampling")).GetProperty("text").GetString());

        var slow = await node.NextAsync("slow_job");
        Assert.Equal("job done after 3 steps", slow.GetProperty("text").GetString());
        // The topic does not keep order (docs/protocol.md §3): progress may come in any order, and the last report may
        // come after the result, when the SDK no longer listens for it. The earlier steps come well before it.
        var progress = slow.GetProperty("progress").EnumerateArray().Select(p => p.GetProperty("progress").GetDouble()).Order().ToList();
        Assert.True(progress.SequenceEqual([1d, 2d]) || progress.SequenceEqual([1d, 2d, 3d]), string.Join(", ", progress));

        var error = await node.NextAsync("error");
        Assert.True(error.GetProperty("thrown").GetBoolean(), error.ToString());
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("no_such_tool", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var cancelled = await node.NextAsync("cancelled");
        Assert.True(cancelled.GetProperty("rejected").GetBoolean(), cancelled.ToString());
        Assert.Equal("still here", (await node.NextAsync("after-cancel")).GetProperty("text").GetString());
        await node.NextAsync("closed");
        Assert.Equal(0, await node.ExitCodeAsync(TimeSpan.FromSeconds(30)));

        var sent = Sent();
        // Every event the TypeScript client published is the contract's CloudEvent, published whole.
        Assert.All(sent, e =>
        {
            Assert.Equal("1.0", e.GetProperty("specversion").GetString());
            Assert.Matches("^[0-9a-f]{32}$", e.GetProperty("id").GetString()!);
            Assert.Equal("ts-client", e.GetProperty("source").GetString());
            Assert.Equal("pubsub://pubsub/mcp-replies-ts-client", e.GetProperty("mcpreplyto").GetString());
            Assert.Equal(initialized.GetProperty("connection").GetString(), e.GetProperty("mcpconnection").GetString());
        });
        Assert.False(sent[0].TryGetProperty("mcpsessionid", out _), "initialize carries no session id");
        Assert.Equal("initialize", sent[0].GetProperty("data").GetProperty("method").GetString());
        Assert.All(sent.Skip(1), e => Assert.Equal(sessionId, e.GetProperty("mcpsessionid").GetString()));

        // The abort became notifications/cancelled on the wire, naming the slow_job request.
        var cancelledJob = sent.Single(e => Method(e) == "tools/call" &&
            e.GetProperty("data").GetProperty("params").GetProperty("arguments").TryGetProperty("steps", out var steps) && steps.GetInt32() == 500);
        var cancellation = sent.Single(e => Method(e) == "notifications/cancelled");
        Assert.Equal(cancelledJob.GetProperty("data").GetProperty("id").GetRawText(), cancellation.GetProperty("data").GetProperty("params").GetProperty("requestId").GetRawText());

        // close() ended the session with the contract's close event, which carries no data.
        var close = sent[^1];
        Assert.Equal("io.asyncmcp.session.close.v1", close.GetProperty("type").GetString());
        Assert.False(close.TryGetProperty("data", out _));
    }

    [Theory]
    [InlineData("not JSON", "{not json")]
    [InlineData("no id", """{"specversion":"1.0","source":"server","type":"io.asyncmcp.jsonrpc.v1","mcpconnection":"x","data":{"jsonrpc":"2.0","method":"notifications/progress"}}""")]
    [InlineData("an unknown connection", """{"specversion":"1.0","id":"e1","source":"server","type":"io.asyncmcp.jsonrpc.v1","mcpconnection":"not-open-here","data":{"jsonrpc":"2.0","id":1,"result":{}}}""")]
    [InlineData("no connection", """{"specversion":"1.0","id":"e2","source":"server","type":"io.asyncmcp.jsonrpc.v1","data":{"jsonrpc":"2.0","id":1,"result":{}}}""")]
    [InlineData("a close event", """{"specversion":"1.0","id":"e3","source":"server","type":"io.asyncmcp.session.close.v1","mcpsessionid":"s","mcpreplyto":"pubsub://pubsub/x"}""")]
    [InlineData("data that is not JSON-RPC", """{"specversion":"1.0","id":"e4","source":"server","type":"io.asyncmcp.jsonrpc.v1","mcpconnection":"x","data":{"hello":1}}""")]
    public async Task The_typescript_client_reply_endpoint_drops_what_it_can_never_process(string what, string body)
    {
        await using var node = NodeApp.Start("ts-client.mjs", new Dictionary<string, string>
        {
            ["APP_ID"] = "ts-client",
            ["DAPR_HTTP_ENDPOINT"] = _sidecar.HttpEndpoint.ToString(),
        });
        var port = (await node.NextAsync("listening")).GetProperty("port").GetInt32();
        using var http = new HttpClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/cloudevents+json");
        using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/mcp/pubsub/replies"), content, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) == """{"status":"DROP"}""", what);
    }

    [Fact]
    public async Task The_typescript_client_reply_endpoint_drops_an_oversized_event_unread()
    {
        await using var node = NodeApp.Start("ts-client.mjs", new Dictionary<string, string>
        {
            ["APP_ID"] = "ts-client",
            ["DAPR_HTTP_ENDPOINT"] = _sidecar.HttpEndpoint.ToString(),
        });
        var port = (await node.NextAsync("listening")).GetProperty("port").GetInt32();
        using var http = new HttpClient();
        var body = new string(' ', (256 * 1024) + 1) + "{}";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/cloudevents+json");
        using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/mcp/pubsub/replies"), content, TestContext.Current.CancellationToken);
        Assert.Equal("""{"status":"DROP"}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        const string logged = "dropped a reply larger than 262144 bytes, unread";
        Assert.Contains(logged, await Wait.ValueAsync(() => node.Log, l => l.Contains(logged, StringComparison.Ordinal), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private async Task<NodeApp> StartClientAsync()
    {
        var node = NodeApp.Start("ts-client.mjs", new Dictionary<string, string>
        {
            ["APP_ID"] = "ts-client",
            ["DAPR_HTTP_ENDPOINT"] = _sidecar.HttpEndpoint.ToString(),
        });
        var port = (await node.NextAsync("listening")).GetProperty("port").GetInt32();
        await _sidecar.AttachAppAsync(new Uri($"http://127.0.0.1:{port}"));
        await node.SendLineAsync("go");
        return node;
    }

    private List<JsonElement> Sent() =>
        _harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic)
            .Select(m => JsonDocument.Parse(m.Body).RootElement)
            .Where(e => e.GetProperty("source").GetString() == "ts-client")
            .ToList();

    private static string? Method(JsonElement cloudEvent) =>
        cloudEvent.TryGetProperty("data", out var data) && data.TryGetProperty("method", out var method) ? method.GetString() : null;
}
