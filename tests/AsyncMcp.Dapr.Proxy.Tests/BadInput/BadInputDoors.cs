using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AsyncMcp.Dapr.Proxy.Front;
using AsyncMcp.Dapr.Server.Sessions;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Proxy.Tests.BadInput;

/// <summary>
/// Every inbound door of a running system (the sample server behind the emulator, the proxy in front with its backend
/// replies by signed webhook), two sessions that must stay undisturbed (one at the server's own door, one through the
/// proxy and over Dapr), and the
/// one assertion the bad-input catalogue makes after each case: exact status and code, both sessions still answer, and
/// no session slot was taken on the proxy or on the server.
/// </summary>
public sealed class BadInputDoors : IAsyncLifetime
{
    private ProxyHarness _harness = null!;
    private McpClient _atServerDoor = null!;
    private McpClient _throughProxy = null!;

    public HttpClient Http { get; } = new();

    /// <summary>The proxy's Streamable HTTP front.</summary>
    public Uri ProxyFront => _harness.Endpoint;

    /// <summary>The server's own Streamable HTTP door.</summary>
    public Uri ServerDoor => new(_harness.Dapr.Server.Address, "/mcp");

    public Uri Server(string path) => new(_harness.Dapr.Server.Address, path);

    public Uri Proxy(string path) => new(_harness.Proxy.Address, path);

    private int ProxySessions => _harness.Proxy.App.Services.GetRequiredService<FrontSessionRegistry>().Count;

    private int ServerSessions => _harness.Dapr.Server.App.Services.GetRequiredService<InMemorySessionCap>().Open;

    public async ValueTask InitializeAsync()
    {
        _harness = await ProxyHarness.StartWithWebhookRepliesAsync();
        _atServerDoor = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = ServerDoor, TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" });
        _throughProxy = await _harness.ConnectAsync("2025-11-25");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _throughProxy.DisposeAsync();
        await _atServerDoor.DisposeAsync();
        await _harness.DisposeAsync();
    }

    /// <summary>Sends one bad input, then checks the answer and that nothing else was disturbed.</summary>
    public async Task AssertAsync(Func<BadInputDoors, HttpRequestMessage> request, HttpStatusCode status, string? code)
    {
        var ct = TestContext.Current.CancellationToken;
        var (proxySessions, serverSessions) = (ProxySessions, ServerSessions);

        using var message = request(this);
        using var response = await Http.SendAsync(message, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.True(status == response.StatusCode, $"{response.StatusCode} instead of {status}: {body}");
        Assert.Equal(code, CodeOf(response, body));

        // Nothing else disturbed: both sessions answer, and no slot was taken or left behind.
        await _atServerDoor.PingAsync(cancellationToken: ct);
        await _throughProxy.PingAsync(cancellationToken: ct);
        await Wait.UntilAsync(() => ProxySessions == proxySessions && ServerSessions == serverSessions,
            $"the session counts to return to {proxySessions} (proxy) and {serverSessions} (server); they are {ProxySessions} and {ServerSessions}");
    }

    // The JSON-RPC error code of a JSON body or an event stream, or the delivery status a sidecar door answered.
    private static string? CodeOf(HttpResponseMessage response, string body)
    {
        var json = response.Content.Headers.ContentType?.MediaType switch
        {
            "application/json" => body,
            "text/event-stream" => body.Split('\n').FirstOrDefault(line => line.StartsWith("data: {", StringComparison.Ordinal))?[6..],
            _ => null,
        };
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return root.TryGetProperty("error", out var error) ? error.GetProperty("code").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)
            : root.TryGetProperty("status", out var delivery) ? delivery.GetString()
            : null;
    }

    /// <summary>A POST of <paramref name="body"/> with the headers a 2025-11-25 Streamable HTTP client sends.</summary>
    public static HttpRequestMessage Post(Uri uri, string body, string? version = "2025-11-25", string contentType = "application/json") =>
        Post(uri, Encoding.UTF8.GetBytes(body), version, contentType);

    public static HttpRequestMessage Post(Uri uri, byte[] body, string? version = "2025-11-25", string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        if (version is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", version);
        }

        return request;
    }

    /// <summary>A delivery as the sidecar makes it: a structured CloudEvent POSTed to a subscription route.</summary>
    public static HttpRequestMessage Delivery(Uri uri, string body) => Delivery(uri, Encoding.UTF8.GetBytes(body));

    public static HttpRequestMessage Delivery(Uri uri, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        return request;
    }

    public static HttpRequestMessage With(HttpRequestMessage request, string header, string value)
    {
        if (header == "Host")
        {
            request.Headers.Host = value;
        }
        else
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        return request;
    }
}
