using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>Bad input at the Streamable HTTP front gets the status codes and JSON-RPC errors of the MCP spec (2025-11-25 transports).</summary>
public sealed class FrontBadInputTests : IAsyncLifetime
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private ProxyHarness _harness = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await ProxyHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:MaxRequestBodyBytes"] = "4096",
            ["Proxy:MaxSessions"] = "3",
        });
        _http = new HttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _harness.DisposeAsync();
    }

    private HttpRequestMessage Post(string body, string? sessionId = null, string? version = "2025-11-25", string accept = "application/json, text/event-stream")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _harness.Endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        if (version is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", version);
        }

        return request;
    }

    private async Task<string> OpenSessionAsync()
    {
        using var response = await _http.SendAsync(Post(Initialize), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"protocolVersion\":\"2025-11-25\"", body, StringComparison.Ordinal);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private static async Task<int> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return document.RootElement.GetProperty("error").GetProperty("code").GetInt32();
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_parse_error()
    {
        using var response = await _http.SendAsync(Post("this is { not json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(-32700, await ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    [InlineData("""{"id":1,"method":"tools/list"}""")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""")]
    public async Task Json_that_is_not_one_jsonrpc_message_is_a_400_invalid_request(string body)
    {
        using var response = await _http.SendAsync(Post(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(-32600, await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task An_unknown_session_id_is_a_404_so_the_client_initializes_again()
    {
        using var response = await _http.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", sessionId: "no-such-session"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_request_without_session_id_that_is_not_initialize_is_a_400()
    {
        using var response = await _http.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_missing_protocol_header_on_a_session_uses_the_negotiated_version_an_unsupported_one_is_a_400_and_another_is_refused_in_the_stream()
    {
        var session = await OpenSessionAsync();
        using (var accepted = await _http.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", session, version: null), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using (var answered = await _http.SendAsync(Post("""{"jsonrpc":"2.0","id":3,"method":"ping"}""", session, version: null), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.Contains("\"id\":3", await answered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        using var unsupported = await _http.SendAsync(Post("""{"jsonrpc":"2.0","id":4,"method":"ping"}""", session, version: "1999-01-01"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);

        // A supported version other than the session's: refused inside the stream, as the SDK's server does.
        using var mismatch = await _http.SendAsync(Post("""{"jsonrpc":"2.0","id":5,"method":"ping"}""", session, version: "2025-06-18"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
        Assert.Contains("\"code\":-32600", await mismatch.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreign_origin_or_host_is_a_403()
    {
        using var origin = Post(Initialize);
        origin.Headers.Add("Origin", "http://evil.example");
        using var refused = await _http.SendAsync(origin, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var host = Post(Initialize);
        host.Headers.Host = "rebound.example";
        using var refusedHost = await _http.SendAsync(host, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refusedHost.StatusCode);

        using var local = Post(Initialize);
        local.Headers.Add("Origin", "http://localhost:6274");
        using var allowed = await _http.SendAsync(local, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_even_without_content_length()
    {
        var big = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"PAD"}}}""".Replace("PAD", new string('x', 8000), StringComparison.Ordinal);
        using (var response = await _http.SendAsync(Post(big), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using var chunked = Post("");
        chunked.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await _http.SendAsync(chunked, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
    }

    [Fact]
    public async Task A_post_that_does_not_accept_event_streams_is_a_406()
    {
        using var response = await _http.SendAsync(Post(Initialize, accept: "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task Delete_ends_the_session_and_the_session_cap_refuses_more_with_503()
    {
        var sessions = new[] { await OpenSessionAsync(), await OpenSessionAsync(), await OpenSessionAsync() };
        using (var refused = await _http.SendAsync(Post(Initialize), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(-32032, await ErrorCodeAsync(refused));
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, _harness.Endpoint);
        delete.Headers.Add("Mcp-Session-Id", sessions[0]);
        using (var deleted = await _http.SendAsync(delete, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        using (var gone = await _http.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"ping"}""", sessions[0]), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        Assert.NotEmpty(await OpenSessionAsync());
    }

    [Fact]
    public async Task A_bearer_token_when_configured_is_required()
    {
        await using var harness = await ProxyHarness.StartAsync(new Dictionary<string, string?> { ["Proxy:BearerToken"] = "a-long-enough-test-token" });
        using var missing = new HttpRequestMessage(HttpMethod.Post, harness.Endpoint) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
        missing.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        using var refused = await _http.SendAsync(missing, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);

        using var withToken = new HttpRequestMessage(HttpMethod.Post, harness.Endpoint) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
        withToken.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "a-long-enough-test-token");
        using var accepted = await _http.SendAsync(withToken, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Theory]
    [InlineData("GET", "has no GET stream")]
    [InlineData("DELETE", "has no sessions to end")]
    public async Task Get_and_delete_under_the_sessionless_protocol_are_405_with_allow_post(string method, string reason)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), _harness.Endpoint);
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
