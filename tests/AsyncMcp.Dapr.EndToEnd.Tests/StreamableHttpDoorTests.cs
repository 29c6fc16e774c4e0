using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>The same server process, with the same tools, answers a standard Streamable HTTP client.</summary>
public sealed class StreamableHttpDoorTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [MemberData(nameof(McpFeatureTests.ProtocolVersions), MemberType = typeof(McpFeatureTests))]
    public async Task A_standard_http_client_lists_and_calls_the_same_tools(string? protocolVersion)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(_harness.Server.Address, "/mcp") });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken: Timeout);
        await using var dapr = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);

        var overHttp = (await client.ListToolsAsync(cancellationToken: Timeout)).Select(tool => tool.Name).Order();
        var overDapr = (await dapr.ListToolsAsync(cancellationToken: Timeout)).Select(tool => tool.Name).Order();

        Assert.Equal(protocolVersion ?? "2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal(overDapr, overHttp);
        Assert.Equal("over http", McpFeatureTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "over http" }, cancellationToken: Timeout)));
        Assert.Equal("job done after 2 steps", McpFeatureTests.Text(await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2 }, cancellationToken: Timeout)));
    }
}
