using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;
using static AsyncMcp.Dapr.Proxy.Tests.BadInput.BadInputDoors;

namespace AsyncMcp.Dapr.Proxy.Tests.BadInput;

/// <summary>
/// Bad input at the doors the sidecar uses: the server's subscription endpoint and dead-letter route, the proxy's reply
/// endpoint and webhook receiver. Each case gets the exact answer daprd acts on (HTTP 200 with DROP or SUCCESS for a
/// subscription, the HTTP status for the webhook receiver), and disturbs no session.
/// </summary>
public sealed class SidecarDoorCatalogue(BadInputDoors doors) : IClassFixture<BadInputDoors>
{
    private const string Requests = "/mcp/pubsub/requests";
    private const string DeadLetters = "/mcp/pubsub/deadletters";
    private const string Replies = "/mcp/pubsub/replies";
    private const string Webhooks = "/mcp/webhooks/replies";

    private static readonly Dictionary<string, (Func<BadInputDoors, HttpRequestMessage> Request, HttpStatusCode Status, string? Code)> Cases = new()
    {
        // The server's subscription endpoint (MCP requests from the topic).
        ["requests: text that is not JSON"] = (d => Delivery(d.Server(Requests), "{ this is not json"), HttpStatusCode.OK, "DROP"),
        ["requests: an empty body"] = (d => Delivery(d.Server(Requests), ""), HttpStatusCode.OK, "DROP"),
        ["requests: a JSON array"] = (d => Delivery(d.Server(Requests), "[]"), HttpStatusCode.OK, "DROP"),
        ["requests: bytes that are not UTF-8"] = (d => Delivery(d.Server(Requests), [.. Encoding.UTF8.GetBytes(Event("utf8").ToJsonString()[..^2]), 0xFF, 0xFE, .. "}"u8]), HttpStatusCode.OK, "DROP"),
        ["requests: no id"] = (d => Delivery(d.Server(Requests), Event(null).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: an id longer than the limit"] = (d => Delivery(d.Server(Requests), Event(new string('i', WireLimits.MaxIdLength + 1)).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: a line break in the id"] = (d => Delivery(d.Server(Requests), Event("a\r\nb").ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: no reply address"] = (d => Delivery(d.Server(Requests), Event("no-reply", change: e => e.Remove(McpCloudEventAttributes.ReplyTo)).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: a reply address that is a raw URL"] = (d => Delivery(d.Server(Requests), Event("raw-url", change: e => e[McpCloudEventAttributes.ReplyTo] = "http://169.254.169.254/latest").ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: a reply binding that is not allowed"] = (d => Delivery(d.Server(Requests), Event("not-allowed", change: e => e[McpCloudEventAttributes.ReplyTo] = "binding://not-allowed/x").ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: a session id longer than the limit"] = (d => Delivery(d.Server(Requests), Event("long-session", change: e => e[McpCloudEventAttributes.SessionId] = new string('s', WireLimits.MaxSessionIdLength + 1)).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: an escape character in the session id"] = (d => Delivery(d.Server(Requests), Event("esc-session", change: e => e[McpCloudEventAttributes.SessionId] = "s\u001b[2J").ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: a connection id longer than the limit"] = (d => Delivery(d.Server(Requests), Event("long-connection", change: e => e[McpCloudEventAttributes.Connection] = new string('c', WireLimits.MaxConnectionLength + 1)).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: data that is not JSON-RPC"] = (d => Delivery(d.Server(Requests), Event("not-jsonrpc", new JsonObject { ["jsonrpc"] = "2.0", ["neither"] = "method nor result" }).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: data that is a batch"] = (d => Delivery(d.Server(Requests), Event("batch", data: new JsonArray(Ping())).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["requests: a lone surrogate in the data"] = (d => Delivery(d.Server(Requests), Event("surrogate").ToJsonString().Replace("\"ping\"", "\"\\ud800\"", StringComparison.Ordinal)), HttpStatusCode.OK, "DROP"),
        ["requests: an event of another type"] = (d => Delivery(d.Server(Requests), Event("other-type", change: e => e["type"] = "com.example.other").ToJsonString()), HttpStatusCode.OK, "DROP"),
        // Up to four times the limit an oversized request is still read, and answered with a too-large error at its address.
        ["requests: a body larger than the limit"] = (d => Delivery(d.Server(Requests), Event("big", change: e => e["padding"] = new string('x', WireLimits.DefaultMaxMessageBytes + 1)).ToJsonString()), HttpStatusCode.OK, "SUCCESS"),
        ["requests: a body larger than four times the limit"] = (d => Delivery(d.Server(Requests), new string(' ', (WireLimits.DefaultMaxMessageBytes + WireLimits.DeliveryOverheadBytes) * 4 + 1)), HttpStatusCode.OK, "DROP"),
        ["requests: an initialize with malformed params"] = (d => Delivery(d.Server(Requests), Event("bad-initialize", new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "initialize", ["params"] = "wrong" }).ToJsonString()), HttpStatusCode.OK, "SUCCESS"),
        ["requests: a request for an unknown session"] = (d => Delivery(d.Server(Requests), Event("unknown-session", change: e => e[McpCloudEventAttributes.SessionId] = "no-such-session").ToJsonString()), HttpStatusCode.OK, "SUCCESS"),

        // The server's dead-letter route: whatever comes, it is counted and logged, and never sent back.
        ["dead letters: text that is not a CloudEvent"] = (d => Delivery(d.Server(DeadLetters), "{ this is not json"), HttpStatusCode.OK, "SUCCESS"),
        ["dead letters: an empty body"] = (d => Delivery(d.Server(DeadLetters), ""), HttpStatusCode.OK, "SUCCESS"),
        ["dead letters: a body larger than the limit"] = (d => Delivery(d.Server(DeadLetters), new string('x', WireLimits.DefaultMaxMessageBytes + 1)), HttpStatusCode.OK, "SUCCESS"),
        ["dead letters: control characters in every attribute"] = (d => Delivery(d.Server(DeadLetters), Event("dl\u001b\r\n", change: e => e[McpCloudEventAttributes.SessionId] = "\u0007").ToJsonString()), HttpStatusCode.OK, "SUCCESS"),
        ["dead letters: bytes that are not UTF-8"] = (d => Delivery(d.Server(DeadLetters), [0xC3, 0x28, 0xFF]), HttpStatusCode.OK, "SUCCESS"),

        // The proxy's reply endpoint (answers of the server over pub/sub).
        ["replies: text that is not JSON"] = (d => Delivery(d.Proxy(Replies), "{ this is not json"), HttpStatusCode.OK, "DROP"),
        ["replies: an empty body"] = (d => Delivery(d.Proxy(Replies), ""), HttpStatusCode.OK, "DROP"),
        ["replies: no id"] = (d => Delivery(d.Proxy(Replies), Event(null, Answer()).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["replies: a line break in the session id"] = (d => Delivery(d.Proxy(Replies), Event("reply-crlf", Answer(), e => e[McpCloudEventAttributes.SessionId] = "a\r\nb").ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["replies: data that is not JSON-RPC"] = (d => Delivery(d.Proxy(Replies), Event("reply-bad", new JsonObject { ["hello"] = "world" }).ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["replies: an answer for a connection that is not open"] = (d => Delivery(d.Proxy(Replies), Event("reply-nobody", Answer(), e => e[McpCloudEventAttributes.Connection] = "no-such-connection").ToJsonString()), HttpStatusCode.OK, "DROP"),
        ["replies: a body larger than the limit"] = (d => Delivery(d.Proxy(Replies), new string(' ', WireLimits.DefaultMaxMessageBytes + 1) + "{}"), HttpStatusCode.OK, "DROP"),
        ["replies: bytes that are not UTF-8"] = (d => Delivery(d.Proxy(Replies), [.. "{\"id\":\""u8, 0xFF, .. "\"}"u8]), HttpStatusCode.OK, "DROP"),

        // The proxy's webhook receiver (answers of the server by signed webhook).
        ["webhooks: no signature headers"] = (d => Webhook(d.Proxy(Webhooks), Event("wh-unsigned", Answer()).ToJsonString()), HttpStatusCode.BadRequest, null),
        ["webhooks: a forged signature"] = (d => Webhook(d.Proxy(Webhooks), Event("wh-forged", Answer()).ToJsonString(), "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), HttpStatusCode.Unauthorized, null),
        ["webhooks: a stale timestamp"] = (d => Webhook(d.Proxy(Webhooks), Event("wh-stale", Answer()).ToJsonString(), "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", DateTimeOffset.UtcNow.AddHours(-1)), HttpStatusCode.Unauthorized, null),
        ["webhooks: a body larger than the limit"] = (d => Webhook(d.Proxy(Webhooks), new string('x', (WireLimits.DefaultMaxMessageBytes + WireLimits.DeliveryOverheadBytes) * 4 + 1), "v1,AAAA"), HttpStatusCode.RequestEntityTooLarge, null),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public Task Is_refused_with_its_status_and_disturbs_nothing(string name)
    {
        var (request, status, code) = Cases[name];
        return doors.AssertAsync(request, status, code);
    }

    private static JsonObject Ping() => new() { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = "ping" };

    private static JsonObject Answer() => new() { ["jsonrpc"] = "2.0", ["id"] = "proxy-999", ["result"] = new JsonObject() };

    // A well-formed MCP message event (a ping replying to a probe topic), changed by the case.
    private static JsonObject Event(string? id, JsonNode? data = null, Action<JsonObject>? change = null)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["source"] = "catalogue",
            ["type"] = McpCloudEventTypes.Message,
            ["datacontenttype"] = "application/json",
            [McpCloudEventAttributes.ReplyTo] = $"pubsub://{DaprMcpHarness.PubSub}/catalogue-probe",
            ["data"] = data ?? Ping(),
        };
        if (id is not null)
        {
            cloudEvent["id"] = id;
        }

        change?.Invoke(cloudEvent);
        return cloudEvent;
    }

    private static HttpRequestMessage Webhook(Uri uri, string body, string? signature = null, DateTimeOffset? timestamp = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        if (signature is not null)
        {
            request.Headers.Add("webhook-id", "wh-" + Guid.NewGuid().ToString("N"));
            request.Headers.Add("webhook-timestamp", (timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", signature);
        }

        return request;
    }
}
