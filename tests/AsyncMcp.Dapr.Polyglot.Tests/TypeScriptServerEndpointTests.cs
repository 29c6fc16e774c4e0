using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>
/// The TypeScript server transport's subscription endpoint, fed events directly (as a sidecar delivers them) and
/// through the emulated broker: each bad input gets the contract's answer (docs/protocol.md §4, §5, §6), and a
/// duplicate is processed once.
/// </summary>
public sealed class TypeScriptServerEndpointTests : IAsyncLifetime
{
    private const int MaxMessageBytes = 8192;
    private const string ReplyTopic = "raw-replies";
    private const string ReplyTo = "pubsub://pubsub/" + ReplyTopic;

    private DaprEmulator _emulator = null!;
    private TypeScriptServer _server = null!;
    private readonly HttpClient _http = new();

    public async ValueTask InitializeAsync()
    {
        _emulator = new DaprEmulator(DaprMcpHarness.Options);
        _emulator.AddComponent(DaprMcpHarness.PubSub, "pubsub.in-memory");
        _server = await TypeScriptServer.StartAsync(_emulator, new Dictionary<string, string>
        {
            ["MAX_MESSAGE_BYTES"] = MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MAX_SESSIONS"] = "1",
        });
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "not JSON", "{not json" },
        { "not an object", """["a"]""" },
        { "no id", Event(id: null) },
        { "specversion 0.3", Event(specVersion: "0.3") },
        { "no source", Event(source: null) },
        { "an attribute that is not a string", Event(sessionId: JsonValue.Create(42)) },
        { "the type daprd gives plain JSON", Event(type: "com.dapr.event.sent") },
        { "no reply address", Event(replyTo: null) },
        { "a reply address that is a URL", Event(replyTo: "http://attacker.example/hook") },
        { "a topic with a slash", Event(replyTo: "pubsub://pubsub/a/b") },
        { "a binding this server does not declare", Event(replyTo: "binding://webhooks/replies") },
        { "data that is not JSON-RPC", Event(data: new JsonObject { ["hello"] = 1 }) },
        { "data that is a string", Event(data: JsonValue.Create("tools/list")) },
        { "a close event without a session", Event(type: "io.asyncmcp.session.close.v1", data: null) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_events_are_dropped(string what, string body)
    {
        Assert.Equal("DROP", await PostAsync(body));
        Assert.True(Replies().Count == 0, $"{what}: nothing is answered");
    }

    [Fact]
    public async Task An_oversized_request_is_dropped_and_its_sender_gets_32010()
    {
        var body = Event(id: "big-1", data: Request(7, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["text"] = new string('x', MaxMessageBytes + 4096) } }));
        Assert.Equal("DROP", await PostAsync(body));
        var error = (await ReplyAsync(r => r.Id == 7)).Error!;
        Assert.Equal(-32010, error["code"]!.GetValue<int>());
        Assert.StartsWith($"The request is {Encoding.UTF8.GetByteCount(body)} bytes, larger than the wire limit of {MaxMessageBytes} bytes.", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Beyond four times the limit the event is not even read: nobody can be told.
        var huge = Event(id: "big-2", data: Request(8, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["text"] = new string('x', (MaxMessageBytes + 2048) * 4) } }));
        Assert.Equal("DROP", await PostAsync(huge));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Replies(), r => r.Id == 8);
    }

    [Fact]
    public async Task A_result_over_the_limit_becomes_32010_with_the_same_id()
    {
        Assert.Equal("SUCCESS", await PostAsync(Event(data: Request(3, "tools/call", new JsonObject { ["name"] = "big", ["arguments"] = new JsonObject { ["bytes"] = MaxMessageBytes * 2 } }))));
        var error = (await ReplyAsync(r => r.Id == 3)).Error!;
        Assert.Equal(-32010, error["code"]!.GetValue<int>());
        Assert.StartsWith("The result is ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_are_bound_to_their_app_capped_and_unknown_ones_answered_32001()
    {
        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-a", data: Initialize(1))));
        var opened = await ReplyAsync(r => r.Id == 1 && r.Result is not null);
        var sessionId = opened.SessionId!;
        Assert.Matches("^[0-9a-f]{32}$", sessionId);

        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-a", sessionId: sessionId, data: Request(2, "tools/list"))));
        Assert.NotNull((await ReplyAsync(r => r.Id == 2)).Result);

        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-b", sessionId: sessionId, data: Request(3, "tools/list"))));
        var forbidden = await ReplyAsync(r => r.Id == 3);
        Assert.Equal(-32011, forbidden.Error!["code"]!.GetValue<int>());
        Assert.Equal($"Session '{sessionId}' belongs to another app.", forbidden.Error["message"]!.GetValue<string>());

        // The server allows one session.
        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-b", data: Initialize(4))));
        Assert.Equal(-32012, (await ReplyAsync(r => r.Id == 4)).Error!["code"]!.GetValue<int>());

        // A close from another app is ignored; the owner's ends the session, and then it is unknown.
        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-b", type: "io.asyncmcp.session.close.v1", sessionId: sessionId, data: null)));
        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-a", sessionId: sessionId, data: Request(5, "tools/list"))));
        Assert.NotNull((await ReplyAsync(r => r.Id == 5)).Result);
        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-a", type: "io.asyncmcp.session.close.v1", sessionId: sessionId, data: null)));
        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-a", sessionId: sessionId, data: Request(6, "tools/list"))));
        var unknown = await ReplyAsync(r => r.Id == 6);
        Assert.Equal(-32001, unknown.Error!["code"]!.GetValue<int>());
        Assert.Equal($"Session '{sessionId}' does not exist, was closed or has expired. Initialize a new session.", unknown.Error["message"]!.GetValue<string>());
        Assert.Equal(sessionId, unknown.SessionId);

        // A notification for an unknown session is not answered.
        Assert.Equal("SUCCESS", await PostAsync(Event(source: "app-a", sessionId: sessionId, data: new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" })));
    }

    [Fact]
    public async Task An_error_reply_that_cannot_be_published_is_retried()
    {
        // The reply address names a pub/sub component the sidecar does not have: publishing the -32001 fails.
        var body = Event(id: "transient-1", sessionId: "0123456789abcdef0123456789abcdef", replyTo: "pubsub://missing-pubsub/replies", data: Request(1, "tools/list"));
        Assert.Equal("RETRY", await PostAsync(body));
        // The id was forgotten, so the redelivery is processed again (and retried again), not taken as a duplicate.
        Assert.Equal("RETRY", await PostAsync(body));
    }

    [Fact]
    public async Task A_duplicate_is_processed_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = Event(id: "dup-1", data: Request(1, "tools/call", new JsonObject { ["name"] = "count" }));
        Assert.Equal("SUCCESS", await PostAsync(call));
        Assert.Equal("SUCCESS", await PostAsync(call));

        // The same through the broker: the emulator delivers both copies.
        var again = Event(id: "dup-2", data: Request(2, "tools/call", new JsonObject { ["name"] = "count" }));
        await _emulator.InjectAsync(DaprMcpHarness.PubSub, TypeScriptServer.Topic, Encoding.UTF8.GetBytes(again), ct: ct);
        await _emulator.InjectAsync(DaprMcpHarness.PubSub, TypeScriptServer.Topic, Encoding.UTF8.GetBytes(again), ct: ct);

        var second = await ReplyAsync(r => r.Id == 2);
        await Task.Delay(300, ct);
        var replies = Replies();
        Assert.Equal("1", Text(Assert.Single(replies, r => r.Id == 1)));
        Assert.Equal("2", Text(Assert.Single(replies, r => r.Id == 2)));
        Assert.Equal("2", Text(second));
    }

    private async Task<string> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/cloudevents+json");
        using var response = await _http.PostAsync(new Uri(_server.Address, "/mcp/pubsub/requests"), content, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        return answer!["status"]!.GetValue<string>();
    }

    private List<Reply> Replies() =>
        _emulator.Published(DaprMcpHarness.PubSub, ReplyTopic).Select(m => Reply.From(JsonNode.Parse(m.Body.Span)!.AsObject())).ToList();

    private async Task<Reply> ReplyAsync(Func<Reply, bool> match)
    {
        var replies = await Wait.ValueAsync(Replies, r => r.Any(match), TestContext.Current.CancellationToken);
        return Assert.Single(replies, r => match(r));
    }

    private static string Text(Reply reply) => reply.Result!["content"]![0]!["text"]!.GetValue<string>();

    private static JsonObject Request(int id, string method, JsonObject? parameters = null)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        return request;
    }

    private static JsonObject Initialize(int id) => Request(id, "initialize", new JsonObject
    {
        ["protocolVersion"] = "2025-11-25",
        ["capabilities"] = new JsonObject(),
        ["clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "1.0.0" },
    });

    // A client event as docs/protocol.md §2 describes it; a null argument leaves the attribute out.
    private static string Event(
        string? id = "", string? specVersion = "1.0", string? source = "raw-client", string? type = "io.asyncmcp.jsonrpc.v1",
        JsonNode? sessionId = null, string? replyTo = ReplyTo, JsonNode? data = null, bool defaultData = true)
    {
        var cloudEvent = new JsonObject();
        void Add(string name, JsonNode? value)
        {
            if (value is not null)
            {
                cloudEvent[name] = value;
            }
        }

        Add("specversion", specVersion);
        Add("id", id == "" ? Guid.NewGuid().ToString("N") : id);
        Add("source", source);
        Add("type", type);
        Add("mcpsessionid", sessionId);
        Add("mcpreplyto", replyTo);
        Add("mcpconnection", "raw-connection");
        if (type == "io.asyncmcp.jsonrpc.v1" || data is not null)
        {
            cloudEvent["datacontenttype"] = "application/json";
            cloudEvent["data"] = data ?? (defaultData ? Request(1, "tools/list") : null);
        }

        return cloudEvent.ToJsonString();
    }

    private sealed record Reply(int? Id, string? SessionId, JsonObject? Result, JsonObject? Error)
    {
        public static Reply From(JsonObject cloudEvent)
        {
            var data = cloudEvent["data"]!.AsObject();
            var id = data["id"] is JsonValue value && value.TryGetValue<int>(out var number) ? number : (int?)null;
            return new Reply(id, cloudEvent["mcpsessionid"]?.GetValue<string>(), data["result"] as JsonObject, data["error"] as JsonObject);
        }
    }
}
