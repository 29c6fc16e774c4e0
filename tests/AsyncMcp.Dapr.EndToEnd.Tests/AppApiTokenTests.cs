using System.Net;
using System.Text;
using AsyncMcp.Dapr.Emulator;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// The app API token (APP_API_TOKEN): the sample server and client, given the token their sidecars send in
/// <c>dapr-api-token</c> (dapr/dapr pkg/channel/http/http_channel.go constructRequest), refuse every sidecar-facing
/// route without it (subscription discovery, requests, dead letters, replies, actor calls) and serve the round trip
/// with it; the health route, which daprd probes without a token (HealthProbe), stays open.
/// </summary>
public sealed class AppApiTokenTests : IAsyncLifetime
{
    private const string Token = "app-token-7f3a";
    private readonly HttpClient _http = new();
    private DaprMcpHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?> { ["APP_API_TOKEN"] = Token, ["Mcp:Sessions:Actors"] = "true" };
        _harness = await DaprMcpHarness.StartAsync(serverSettings: settings, clientSettings: new Dictionary<string, string?> { ["APP_API_TOKEN"] = Token });
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _harness.DisposeAsync();
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData(null)]
    public async Task With_the_token_the_sidecars_deliver_and_the_round_trip_works(string? protocolVersion)
    {
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: TestDeadline.Current);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "with token" }, cancellationToken: TestDeadline.Current);

        Assert.Equal("with token", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Theory]
    [InlineData("server", "GET", "/dapr/subscribe")]
    [InlineData("server", "POST", "/mcp/pubsub/requests")]
    [InlineData("server", "POST", "/mcp/pubsub/deadletters")]
    [InlineData("server", "GET", "/dapr/config")]
    [InlineData("server", "PUT", "/actors/McpSession/forged/method/DeliverAsync")]
    [InlineData("client", "GET", "/dapr/subscribe")]
    [InlineData("client", "POST", "/mcp/pubsub/replies")]
    public async Task A_sidecar_route_without_or_with_a_wrong_token_is_refused_with_401(string appId, string method, string path)
    {
        var app = appId == "server" ? _harness.Server : _harness.Client;

        using var missing = await SendAsync(app, method, path, token: null);
        using var wrong = await SendAsync(app, method, path, token: "not-the-token");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("ERR_APP_API_TOKEN", await missing.Content.ReadAsStringAsync(TestDeadline.Current), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_token_a_sidecar_route_is_served()
    {
        using var subscribe = await SendAsync(_harness.Server, "GET", "/dapr/subscribe", Token);

        Assert.Equal(HttpStatusCode.OK, subscribe.StatusCode);
        Assert.Contains("mcp-requests", await subscribe.Content.ReadAsStringAsync(TestDeadline.Current), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("server")]
    [InlineData("client")]
    public async Task The_health_route_and_the_streamable_http_door_take_no_app_token(string appId)
    {
        var app = appId == "server" ? _harness.Server : _harness.Client;

        using var health = await SendAsync(app, "GET", "/healthz", token: null);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        if (appId == "server")
        {
            // The MCP door is for MCP clients, not the sidecar: its own checks apply, never the app token.
            await using var direct = await McpClient.CreateAsync(
                new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(app.Address, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp }),
                cancellationToken: TestDeadline.Current);
            Assert.NotEmpty(await direct.ListToolsAsync(cancellationToken: TestDeadline.Current));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(EmulatedApp app, string method, string path, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(app.Address, path));
        if (method != "GET")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        return await _http.SendAsync(request, TestDeadline.Current);
    }
}
