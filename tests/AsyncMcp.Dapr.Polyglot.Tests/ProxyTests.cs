using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Proxy;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>
/// A standard MCP client over Streamable HTTP, through the C# proxy, to a TypeScript MCP server on the asyncmcp-dapr
/// transport: the proxy's backend sessions are the TypeScript server's sessions.
/// </summary>
public sealed class ProxyTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;
    private TypeScriptServer _server = null!;
    private EmulatedApp _proxy = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await DaprMcpHarness.StartAsync();
        _server = await TypeScriptServer.StartAsync(_harness.Emulator);
        var settings = TypeScriptServer.ClientSettings;
        settings["Proxy:InstanceId"] = "polyglot";
        _proxy = await _harness.StartAppAsync("proxy", (args, configure) => ProxyApp.Build(args, configure), settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_client_through_the_proxy_calls_tools_with_progress_and_answers_sampling_for_a_typescript_server()
    {
        var ct = TestContext.Current.CancellationToken;
        var handlers = new McpClientHandlers
        {
            SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
            {
                Model = "proxied-model",
                Role = Role.Assistant,
                Content = [new TextContentBlock { Text = "answered through the proxy" }],
            }),
        };
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(_proxy.Address, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions { ProtocolVersion = "2025-11-25", Handlers = handlers },
            cancellationToken: ct);
        Assert.Equal("ts-server", client.ServerInfo?.Name);
        var session = await _server.Node.WaitForAsync("session");
        Assert.Equal("proxy", session.GetProperty("owner").GetString());

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Contains(tools, t => t.Name == "slow_job");

        var progress = new ProgressLog();
        var slow = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2 }, progress, cancellationToken: ct);
        Assert.Equal("job done after 2 steps", Text(slow));
        Assert.Equal([1f, 2f], await Wait.ValueAsync(progress.Progresses, p => p.Count == 2, ct));

        var failed = await client.CallToolAsync("fail", cancellationToken: ct);
        Assert.True(failed.IsError);

        var summary = await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "x" }, cancellationToken: ct);
        Assert.Equal("summary from proxied-model: answered through the proxy", Text(summary));
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
}
