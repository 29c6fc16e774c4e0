using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// How the proxy answers a sessionless (2026-07-28) request over Streamable HTTP, which lets the server pick per request:
/// one <c>application/json</c> body when the answer is all the server sends, an event stream ending with the answer when
/// the server sends something before it.
/// </summary>
public sealed class SessionlessResponseTests : IAsyncLifetime
{
    private const string Version = "2026-07-28";
    private ProxyHarness _harness = null!;
    private HttpClient _http = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _harness = await ProxyHarness.StartAsync();
        _http = new HttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_call_answered_with_nothing_before_it_gets_one_json_body()
    {
        using var response = await _http.SendAsync(Call("echo", new JsonObject { ["text"] = "plain" }), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.Equal(7, (int)answer["id"]!);
        Assert.Equal("plain", (string?)answer["result"]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task A_call_whose_server_reports_progress_first_gets_an_event_stream_that_ends_with_the_answer()
    {
        using var response = await _http.SendAsync(Call("slow_job", new JsonObject { ["steps"] = 2 }, progressToken: "p-1"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync(Cancel))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonNode.Parse(e.Split('\n').Single(line => line.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..])!)
            .ToList();
        // The tool reports progress through IProgress, which sends without waiting, and then awaits a logging
        // notification: the two may reach the stream in either order, but both come before the answer.
        Assert.Contains("notifications/progress", events[..^1].Select(e => (string?)e["method"]));
        Assert.All(events[..^1], e => Assert.NotNull(e["method"]));
        Assert.Equal(7, (int)events[^1]["id"]!);
        Assert.Equal("job done after 2 steps", (string?)events[^1]["result"]!["content"]![0]!["text"]);
    }

    private HttpRequestMessage Call(string tool, JsonObject arguments, string? progressToken = null)
    {
        var meta = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = Version,
            ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
            ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "raw-http", ["version"] = "1.0.0" },
        };
        if (progressToken is not null)
        {
            meta["progressToken"] = progressToken;
        }

        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments, ["_meta"] = meta },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, _harness.Endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", Version);
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", tool);
        return request;
    }
}
