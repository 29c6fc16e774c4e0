using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// The proxy is transparent: each request below goes to the proxy and to the MCP SDK's own Streamable HTTP server (the
/// sample server's door, <c>MapMcp</c> over the SDK's handler, hosted in the test), and both answer with the same HTTP
/// status and the same JSON-RPC error code (in a JSON body or inside the event stream).
/// </summary>
public sealed class TransparencyTests(TransparencyTests.Doors doors) : IClassFixture<TransparencyTests.Doors>
{
    private const string Accept = "application/json, text/event-stream";

    private static string Initialize(string version = "2025-11-25") =>
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"VERSION","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""".Replace("VERSION", version, StringComparison.Ordinal);

    private static readonly Dictionary<string, Func<Door, Task<HttpResponseMessage>>> Cases = new()
    {
        ["POST initialize without a version header"] = door => door.PostAsync(Initialize(), version: null),
        ["POST initialize with an unsupported version header"] = door => door.PostAsync(Initialize(), version: "1999-01-01"),
        ["POST ping with the session's version header"] = async door => await door.PostAsync(Ping, await door.SessionAsync()),
        ["POST ping without a version header"] = async door => await door.PostAsync(Ping, await door.SessionAsync(), version: null),
        ["POST ping with another supported version header"] = async door => await door.PostAsync(Ping, await door.SessionAsync(), version: "2025-06-18"),
        ["POST ping with an unsupported version header"] = async door => await door.PostAsync(Ping, await door.SessionAsync(), version: "1999-01-01"),
        ["POST without a session id"] = door => door.PostAsync(ToolsList),
        ["POST with an unknown session id"] = door => door.PostAsync(Ping, "no-such-session"),
        ["POST notification on a session"] = async door => await door.PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", await door.SessionAsync()),
        ["POST response to an unknown request"] = async door => await door.PostAsync("""{"jsonrpc":"2.0","id":"nobody-asked","result":{}}""", await door.SessionAsync()),
        ["POST accepting only application/json"] = door => door.PostAsync(Initialize(), accept: "application/json"),
        ["POST accepting only text/event-stream"] = door => door.PostAsync(Initialize(), accept: "text/event-stream"),
        ["POST without an Accept header"] = door => door.PostAsync(Initialize(), accept: null),
        ["POST with content type text/plain"] = door => door.PostAsync(Initialize(), contentType: "text/plain"),
        ["POST of text that is not JSON"] = door => door.PostAsync("this is { not json"),
        ["POST of an empty body"] = door => door.PostAsync(""),
        ["POST of a batch"] = door => door.PostAsync($"[{Ping}]"),
        ["POST of a JSON string"] = door => door.PostAsync("\"ping\""),
        ["POST of a request with a null id"] = door => door.PostAsync("""{"jsonrpc":"2.0","id":null,"method":"initialize","params":{}}"""),
        ["POST of a message without jsonrpc"] = door => door.PostAsync("""{"id":1,"method":"ping"}"""),
        ["POST sessionless request without _meta"] = door => door.PostAsync(ToolsList, version: "2026-07-28"),
        ["POST sessionless request with another _meta version"] = door => door.PostAsync(
            """{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}""", version: "2026-07-28"),
        ["POST sessionless initialize"] = door => door.PostAsync(Initialize("2026-07-28"), version: "2026-07-28"),
        ["POST sessionless tasks/get with a matching Mcp-Name"] = door => door.PostAsync(TasksRequest("tasks/get"), version: "2026-07-28",
            headers: new() { ["Mcp-Method"] = "tasks/get", ["Mcp-Name"] = UnknownTask }),
        ["POST sessionless tasks/cancel with a matching base64 Mcp-Name"] = door => door.PostAsync(TasksRequest("tasks/cancel"), version: "2026-07-28",
            headers: new() { ["Mcp-Method"] = "tasks/cancel", ["Mcp-Name"] = $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes(UnknownTask))}?=" }),
        ["POST sessionless tasks/get with an Mcp-Name of another task"] = door => door.PostAsync(TasksRequest("tasks/get"), version: "2026-07-28",
            headers: new() { ["Mcp-Method"] = "tasks/get", ["Mcp-Name"] = "fedcba9876543210fedcba9876543210" }),
        ["POST sessionless tasks/cancel without Mcp-Name"] = door => door.PostAsync(TasksRequest("tasks/cancel"), version: "2026-07-28",
            headers: new() { ["Mcp-Method"] = "tasks/cancel" }),
        ["POST sessionless tasks/get with an Mcp-Name that is not base64"] = door => door.PostAsync(TasksRequest("tasks/get"), version: "2026-07-28",
            headers: new() { ["Mcp-Method"] = "tasks/get", ["Mcp-Name"] = "=?base64?not base64!?=" }),
        ["POST sessionless tasks/get without Mcp-Method"] = door => door.PostAsync(TasksRequest("tasks/get"), version: "2026-07-28",
            headers: new() { ["Mcp-Name"] = UnknownTask }),
        ["POST sessionless tasks/get with Mcp-Method of another method"] = door => door.PostAsync(TasksRequest("tasks/get"), version: "2026-07-28",
            headers: new() { ["Mcp-Method"] = "tasks/cancel", ["Mcp-Name"] = UnknownTask }),
        ["GET without a session id"] = door => door.SendAsync(HttpMethod.Get, accept: "text/event-stream"),
        ["GET with an unknown session id"] = door => door.SendAsync(HttpMethod.Get, "no-such-session", accept: "text/event-stream"),
        ["GET not accepting text/event-stream"] = async door => await door.SendAsync(HttpMethod.Get, await door.SessionAsync(), accept: "application/json"),
        ["GET with an unsupported version header"] = async door => await door.SendAsync(HttpMethod.Get, await door.SessionAsync(), version: "1999-01-01", accept: "text/event-stream"),
        ["GET under the sessionless protocol"] = door => door.SendAsync(HttpMethod.Get, version: "2026-07-28", accept: "text/event-stream"),
        ["GET with an unknown Last-Event-ID"] = async door => await door.SendAsync(HttpMethod.Get, await door.SessionAsync(), accept: "text/event-stream", lastEventId: "42-7"),
        ["GET a second stream of a session"] = async door =>
        {
            var session = await door.SessionAsync();
            door.Held.Add(await door.SendAsync(HttpMethod.Get, session, accept: "text/event-stream"));
            return await door.SendAsync(HttpMethod.Get, session, accept: "text/event-stream");
        },
        ["DELETE without a session id"] = door => door.SendAsync(HttpMethod.Delete),
        ["DELETE with an unknown session id"] = door => door.SendAsync(HttpMethod.Delete, "no-such-session"),
        ["DELETE a session"] = async door => await door.SendAsync(HttpMethod.Delete, await door.SessionAsync()),
        ["DELETE under the sessionless protocol"] = door => door.SendAsync(HttpMethod.Delete, version: "2026-07-28"),
        ["POST after DELETE of the session"] = async door =>
        {
            var session = await door.SessionAsync();
            (await door.SendAsync(HttpMethod.Delete, session)).Dispose();
            return await door.PostAsync(Ping, session);
        },
    };

    private const string UnknownTask = "0123456789abcdef0123456789abcdef";

    // A 2026-07-28 tasks/* request that declares the tasks extension, for a task that does not exist.
    private static string TasksRequest(string method) =>
        """{"jsonrpc":"2.0","id":5,"method":"METHOD","params":{"taskId":"TASK","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}}}"""
            .Replace("METHOD", method, StringComparison.Ordinal).Replace("TASK", UnknownTask, StringComparison.Ordinal);

    private const string Ping = """{"jsonrpc":"2.0","id":2,"method":"ping"}""";
    private const string ToolsList = """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""";

    /// <summary>
    /// Where the proxy differs on purpose (documented in docs/proxy.md): the SDK server's answer as it is today, the
    /// proxy's, and why. The status is the same in each; only the JSON-RPC error says more.
    /// </summary>
    private static readonly Dictionary<string, (Answer Sdk, Answer Proxy, string Why)> Deviations = new()
    {
        ["POST of text that is not JSON"] = (new(HttpStatusCode.BadRequest, -32600), new(HttpStatusCode.BadRequest, -32700), "JSON-RPC 2.0: invalid JSON is a parse error"),
        ["POST of an empty body"] = (new(HttpStatusCode.BadRequest, -32600), new(HttpStatusCode.BadRequest, -32700), "JSON-RPC 2.0: invalid JSON is a parse error"),
        ["POST with content type text/plain"] = (new(HttpStatusCode.UnsupportedMediaType, null), new(HttpStatusCode.UnsupportedMediaType, -32000), "the proxy says why in a JSON-RPC error"),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_proxy_answers_as_the_sdk_server_does(string name)
    {
        var sdk = await AnswerAsync(doors.Server, name);
        var proxy = await AnswerAsync(doors.Proxy, name);

        if (Deviations.TryGetValue(name, out var deviation))
        {
            Assert.Equal(deviation.Sdk, sdk);
            Assert.Equal(deviation.Proxy, proxy);
            return;
        }

        Assert.Equal(sdk, proxy);
    }

    private static async Task<Answer> AnswerAsync(Door door, string name)
    {
        try
        {
            using var response = await Cases[name](door);
            return await Answer.ReadAsync(response);
        }
        finally
        {
            door.Release();
        }
    }

    /// <summary>What is compared: the status, and the JSON-RPC error code if the answer carries an error.</summary>
    private sealed record Answer(HttpStatusCode Status, int? ErrorCode)
    {
        public static async Task<Answer> ReadAsync(HttpResponseMessage response)
        {
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is not ("application/json" or "text/event-stream") || response.StatusCode == HttpStatusCode.OK && response.RequestMessage?.Method == HttpMethod.Get)
            {
                return new Answer(response.StatusCode, null);
            }

            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var json = mediaType == "application/json" ? body : string.Join("", body.Split('\n').Where(line => line.StartsWith("data: {", StringComparison.Ordinal)).Select(line => line[6..]).Take(1));
            if (json.Length == 0)
            {
                return new Answer(response.StatusCode, null);
            }

            using var document = JsonDocument.Parse(json);
            return new Answer(response.StatusCode,
                document.RootElement.TryGetProperty("error", out var error) ? error.GetProperty("code").GetInt32() : null);
        }
    }

    /// <summary>One Streamable HTTP endpoint under test.</summary>
    public sealed class Door(Uri endpoint) : IDisposable
    {
        private readonly HttpClient _http = new();

        /// <summary>Responses to keep open until the case ends (a GET stream held while a second one is asked for).</summary>
        public List<HttpResponseMessage> Held { get; } = [];

        public void Release()
        {
            Held.ForEach(response => response.Dispose());
            Held.Clear();
        }

        public async Task<string> SessionAsync()
        {
            using var response = await PostAsync(Initialize(), version: null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var session = response.Headers.GetValues("Mcp-Session-Id").Single();
            (await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", session)).Dispose();
            return session;
        }

        public Task<HttpResponseMessage> PostAsync(string body, string? sessionId = null, string? version = "2025-11-25", string? accept = Accept, string contentType = "application/json", Dictionary<string, string>? headers = null)
        {
            var request = Request(HttpMethod.Post, sessionId, version, accept, null);
            foreach (var (name, value) in headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
            return _http.SendAsync(request, TestContext.Current.CancellationToken);
        }

        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string? sessionId = null, string? version = "2025-11-25", string? accept = null, string? lastEventId = null) =>
            _http.SendAsync(Request(method, sessionId, version, accept, lastEventId), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        private HttpRequestMessage Request(HttpMethod method, string? sessionId, string? version, string? accept, string? lastEventId)
        {
            var request = new HttpRequestMessage(method, endpoint);
            if (accept is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept", accept);
            }

            if (sessionId is not null)
            {
                request.Headers.Add("Mcp-Session-Id", sessionId);
            }

            if (version is not null)
            {
                request.Headers.Add("MCP-Protocol-Version", version);
            }

            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            return request;
        }

        public void Dispose() => _http.Dispose();
    }

    /// <summary>The sample server with its SDK door, and the proxy in front of the same server.</summary>
    public sealed class Doors : IAsyncLifetime
    {
        private ProxyHarness _harness = null!;

        public Door Server { get; private set; } = null!;

        public Door Proxy { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            _harness = await ProxyHarness.StartAsync();
            Server = new Door(new Uri(_harness.Dapr.Server.Address, "/mcp"));
            Proxy = new Door(_harness.Endpoint);
        }

        public async ValueTask DisposeAsync()
        {
            Server.Dispose();
            Proxy.Dispose();
            await _harness.DisposeAsync();
        }
    }
}
