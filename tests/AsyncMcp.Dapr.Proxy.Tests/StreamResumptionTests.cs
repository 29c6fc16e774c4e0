using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using AsyncMcp.Dapr.Proxy.Front;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// A 2025-11-25 client whose response stream drops mid-call resumes it with <c>Last-Event-ID</c> and gets what it
/// missed, the result exactly once; a stream that cannot be resumed is a 400 that says why.
/// </summary>
public sealed class StreamResumptionTests : IAsyncLifetime
{
    private const string CallId = "call-1";

    private ProxyHarness _harness = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    public async Task A_stream_dropped_mid_call_resumes_with_last_event_id_and_the_result_arrives_once()
    {
        var session = await OpenSessionAsync();
        string primingId;
        TimeSpan? retry;
        using (var call = await SendAsync(HttpMethod.Post, session, """{"jsonrpc":"2.0","id":"call-1","method":"tools/call","params":{"name":"slow_job","arguments":{"steps":3,"stepMilliseconds":300}}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            await using var stream = await call.Content.ReadAsStreamAsync(Ct);
            await using var events = SseParser.Create(stream).EnumerateAsync(Ct).GetAsyncEnumerator(Ct);
            Assert.True(await events.MoveNextAsync());
            primingId = events.Current.EventId ?? string.Empty;
            retry = events.Current.ReconnectionInterval;
        }

        // The connection is gone before the first step ends; the job goes on behind the proxy.
        Assert.False(string.IsNullOrEmpty(primingId));
        Assert.Equal(TimeSpan.FromSeconds(1), retry);

        using var resumed = await SendAsync(HttpMethod.Get, session, lastEventId: primingId);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var replayed = await ReadAllAsync(resumed);

        var results = replayed.Where(e => e.Message is JsonRpcResponse { Id.Id: CallId }).ToList();
        var result = Assert.Single(results);
        Assert.Contains("job done after 3 steps", JsonSerializer.Serialize(((JsonRpcResponse)result.Message!).Result), StringComparison.Ordinal);
        // The job's log lines sent while the call was in flight were missed too, and come with it (one sent after the
        // result may go to the session's GET stream instead, which this client did not open).
        Assert.Contains(replayed, e => e.Message is JsonRpcNotification { Method: NotificationMethods.LoggingMessageNotification });
        Assert.All(replayed, e => Assert.False(string.IsNullOrEmpty(e.Id)));
        Assert.Equal(replayed.Count, replayed.Select(e => e.Id).Distinct().Count());

        // Resuming after the result gives nothing more: nothing is delivered twice.
        using var again = await SendAsync(HttpMethod.Get, session, lastEventId: result.Id);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Empty(await ReadAllAsync(again));

        // The session goes on.
        using var ping = await SendAsync(HttpMethod.Post, session, """{"jsonrpc":"2.0","id":9,"method":"ping"}""");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    [Theory]
    [InlineData("unknown stream", "99-1")]
    [InlineData("beyond the stream", "1-999")]
    [InlineData("not an event id", "garbage")]
    public async Task A_stream_that_cannot_be_resumed_is_a_400_that_says_why(string why, string lastEventId)
    {
        _ = why;
        var session = await OpenSessionAsync();
        using var response = await SendAsync(HttpMethod.Get, session, lastEventId: lastEventId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("cannot be resumed", body, StringComparison.Ordinal);
        Assert.Equal(-32000, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_session_keeps_at_most_its_bounds_and_a_stream_whose_events_were_dropped_cannot_be_resumed()
    {
#pragma warning disable MCP9006 // The SDK's resumability types, as the proxy uses them.
        var store = new SessionEventStore("s", maxEvents: 4, maxBytes: 4096, TimeSpan.FromSeconds(2));
        var writer = await store.CreateStreamAsync(new ModelContextProtocol.Server.SseEventStreamOptions { SessionId = "s", StreamId = "1" }, Ct);
        var priming = await writer.WriteEventAsync(new SseItem<JsonRpcMessage?>(null), Ct);
        Assert.Equal(TimeSpan.FromSeconds(2), priming.ReconnectionInterval);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var written = await writer.WriteEventAsync(new SseItem<JsonRpcMessage?>(new JsonRpcNotification { Method = "n", Params = null }), Ct);
            ids.Add(written.EventId!);
        }

        Assert.Equal(4, store.Count);
        Assert.Null(await store.GetStreamReaderAsync(priming.EventId!, Ct));
        Assert.NotNull(await store.GetStreamReaderAsync(ids[^3], Ct));

        var big = new JsonRpcNotification { Method = "big", Params = System.Text.Json.Nodes.JsonValue.Create(new string('x', 3000)) };
        await writer.WriteEventAsync(new SseItem<JsonRpcMessage?>(big), Ct);
        await writer.WriteEventAsync(new SseItem<JsonRpcMessage?>(big), Ct);
        Assert.True(store.Bytes <= 4096, $"{store.Bytes} bytes kept");
#pragma warning restore MCP9006
    }

    private async Task<string> OpenSessionAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, null,
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = response.Headers.GetValues("Mcp-Session-Id").Single();
        (await SendAsync(HttpMethod.Post, session, """{"jsonrpc":"2.0","method":"notifications/initialized"}""")).Dispose();
        return session;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string? session, string? body = null, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(method, _harness.Endpoint);
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
    }

    private static async Task<List<(string Id, JsonRpcMessage? Message)>> ReadAllAsync(HttpResponseMessage response)
    {
        var events = new List<(string, JsonRpcMessage?)>();
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(Ct))
        {
            var message = item.Data.Length == 0 ? null : JsonSerializer.Deserialize<JsonRpcMessage>(item.Data, ModelContextProtocol.McpJsonUtilities.DefaultOptions);
            events.Add((item.EventId ?? string.Empty, message));
        }

        return events;
    }
}
