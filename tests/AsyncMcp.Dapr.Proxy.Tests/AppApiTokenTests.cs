using System.Net;
using System.Text;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// The proxy with APP_API_TOKEN set: its sidecar-facing routes (subscription discovery, the backend reply route) refuse
/// any call without the <c>dapr-api-token</c> its sidecar sends (dapr/dapr pkg/channel/http/http_channel.go
/// constructRequest), so that nobody who reaches the public port can post forged replies; its front serves MCP clients
/// without it, and the backend replies its sidecar delivers still arrive.
/// </summary>
public sealed class AppApiTokenTests : IAsyncLifetime
{
    private const string Token = "proxy-app-token-91c2";
    private readonly HttpClient _http = new();
    private ProxyHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await ProxyHarness.StartAsync(new Dictionary<string, string?> { ["APP_API_TOKEN"] = Token });

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _harness.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/dapr/subscribe")]
    [InlineData("POST", "/mcp/pubsub/replies")]
    public async Task A_forged_call_to_a_sidecar_route_is_refused(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_harness.Proxy.Address, path));
        if (method == "POST")
        {
            // A well-formed reply CloudEvent: without the token it never reaches the reply router.
            request.Content = new StringContent("""
                {"specversion":"1.0","id":"forged-1","source":"server","type":"io.modelcontextprotocol.message",
                 "datacontenttype":"application/json","data":{"jsonrpc":"2.0","id":1,"result":{}}}
                """, Encoding.UTF8, "application/cloudevents+json");
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Mcp_clients_at_the_front_need_no_app_token_and_replies_from_the_sidecar_arrive()
    {
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: TestContext.Current.CancellationToken);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "through the proxy" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("through the proxy", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }
}
