using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Tests.Wire;

public sealed class McpEnvelopeCodecTests
{
    private readonly McpEnvelopeCodec _codec = new();

    [Fact]
    public void An_envelope_round_trips_with_every_attribute()
    {
        var envelope = new McpEnvelope
        {
            Id = "evt-1",
            Source = "client-app",
            SessionId = "abc",
            ReplyTo = ReplyAddress.ForPubSub("pubsub", "replies"),
            Connection = "conn-1",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            Message = new JsonRpcRequest { Id = new RequestId(7), Method = "tools/list" },
        };

        var decoded = _codec.Decode(_codec.Encode(envelope), WireLimits.DefaultMaxMessageBytes);

        Assert.Equal(WireError.None, decoded.Error);
        var result = decoded.Envelope!;
        Assert.Equal(("evt-1", "client-app", "abc", "conn-1"), (result.Id, result.Source, result.SessionId, result.Connection));
        Assert.Equal(envelope.ReplyTo, result.ReplyTo);
        Assert.Equal(envelope.TraceParent, result.TraceParent);
        var request = Assert.IsType<JsonRpcRequest>(result.Message);
        Assert.Equal(("tools/list", new RequestId(7)), (request.Method, request.Id));
    }

    [Fact]
    public void The_encoded_event_is_a_structured_cloudevent_with_the_message_verbatim_in_data()
    {
        var bytes = _codec.Encode(new McpEnvelope
        {
            Id = "evt-2",
            Source = "server-app",
            SessionId = "s1",
            Message = new JsonRpcNotification { Method = "notifications/progress", Params = JsonNode.Parse("""{"progressToken":"t","progress":1}""") },
        });

        var json = JsonNode.Parse(bytes.Span)!.AsObject();
        Assert.Equal("1.0", (string?)json["specversion"]);
        Assert.Equal("evt-2", (string?)json["id"]);
        Assert.Equal("server-app", (string?)json["source"]);
        Assert.Equal(McpCloudEventTypes.Message, (string?)json["type"]);
        Assert.Equal("application/json", (string?)json["datacontenttype"]);
        Assert.Equal("s1", (string?)json[McpCloudEventAttributes.SessionId]);
        Assert.Equal("2.0", (string?)json["data"]!["jsonrpc"]);
        Assert.Equal("notifications/progress", (string?)json["data"]!["method"]);
        Assert.Equal(1, (int?)json["data"]!["params"]!["progress"]);
    }

    [Fact]
    public void Attributes_that_the_sidecar_adds_on_delivery_are_accepted()
    {
        var json = JsonNode.Parse(_codec.Encode(Request("evt-3")).Span)!.AsObject();
        json["topic"] = "mcp-requests";
        json["pubsubname"] = "pubsub";
        json["traceid"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        json["tracestate"] = "";

        var decoded = _codec.Decode(Encoding.UTF8.GetBytes(json.ToJsonString()), WireLimits.DefaultMaxMessageBytes);

        Assert.Equal(WireError.None, decoded.Error);

        // The topic daprd stamps is what the delivered-messages metric is tagged with.
        Assert.Equal("mcp-requests", decoded.Envelope!.Topic);
    }

    [Theory]
    [InlineData("not json at all", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","source":"a","type":"io.asyncmcp.jsonrpc.v1"}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"com.example.other","datacontenttype":"application/json","data":{}}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","datacontenttype":"application/json","data":"text"}""", "MalformedJsonRpc")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","datacontenttype":"application/json","data":{"jsonrpc":"2.0"}}""", "MalformedJsonRpc")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","mcpreplyto":"http://evil.example/","datacontenttype":"application/json","data":{"jsonrpc":"2.0","id":1,"method":"ping"}}""", "MissingAttribute")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.session.close.v1"}""", "MissingAttribute")]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1"}]""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","data":{"jsonrpc":"2.0","id":1,"method":"ping"}}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":7,"source":"a","type":"io.asyncmcp.jsonrpc.v1","data":{"jsonrpc":"2.0","id":1,"method":"ping"}}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"","type":"io.asyncmcp.jsonrpc.v1","data":{"jsonrpc":"2.0","id":1,"method":"ping"}}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","mcpsessionid":{"x":1},"data":{"jsonrpc":"2.0","id":1,"method":"ping"}}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","data":{"jsonrpc":"2.0","id":1,"method":"ping"},"data_base64":"AA=="}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","data":{"jsonrpc":"2.0","id":1,"method":"ping"}} trailing""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","data":{"jsonrpc":"2.0","id":1,"method":"ping"}""", "MalformedCloudEvent")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","data_base64":"AA=="}""", "MalformedJsonRpc")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","datacontenttype":"text/plain","data":{"jsonrpc":"2.0","id":1,"method":"ping"}}""", "MalformedJsonRpc")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"a","type":"io.asyncmcp.jsonrpc.v1","data":null}""", "MalformedJsonRpc")]
    public void Bad_events_are_classified_without_throwing(string body, string expected)
    {
        var decoded = _codec.Decode(Encoding.UTF8.GetBytes(body), WireLimits.DefaultMaxMessageBytes);

        Assert.Equal(expected, decoded.Error.ToString());
        Assert.False(string.IsNullOrEmpty(decoded.Detail));
    }

    [Fact]
    public void An_oversized_event_is_refused_but_its_attributes_are_still_read()
    {
        var big = new string('x', 10_000);
        var bytes = _codec.Encode(new McpEnvelope
        {
            Id = "evt-big",
            Source = "client-app",
            ReplyTo = ReplyAddress.ForPubSub("pubsub", "replies"),
            Message = new JsonRpcRequest { Id = new RequestId(1), Method = "tools/call", Params = new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["text"] = big } } },
        });

        var decoded = _codec.Decode(bytes, maxMessageBytes: 4096);

        Assert.Equal(WireError.TooLarge, decoded.Error);
        Assert.Equal("evt-big", decoded.Envelope!.Id);
        Assert.Equal("replies", decoded.Envelope.ReplyTo!.Target);
        Assert.Null(decoded.Envelope.Message);
        Assert.Equal(WireError.None, _codec.Decode(bytes, WireLimits.DefaultMaxMessageBytes).Error);
    }

    [Fact]
    public void The_cncf_cloudevents_sdk_reads_what_the_codec_writes()
    {
        var envelope = Request("evt-cncf") with { SessionId = "s-1", Connection = "c-1", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

        var cloudEvent = new JsonEventFormatter().DecodeStructuredModeMessage(
            _codec.Encode(envelope), new ContentType(McpEnvelopeCodec.CloudEventContentType), Extensions());

        Assert.Equal(("evt-cncf", "client-app", McpCloudEventTypes.Message), (cloudEvent.Id, cloudEvent.Source!.OriginalString, cloudEvent.Type));
        Assert.Equal(CloudEventsSpecVersion.V1_0, cloudEvent.SpecVersion);
        Assert.NotNull(cloudEvent.Time);
        Assert.Equal("application/json", cloudEvent.DataContentType);
        Assert.Equal("s-1", cloudEvent[McpCloudEventAttributes.SessionId]);
        Assert.Equal("pubsub://pubsub/replies", cloudEvent[McpCloudEventAttributes.ReplyTo]);
        Assert.Equal("c-1", cloudEvent[McpCloudEventAttributes.Connection]);
        Assert.Equal(envelope.TraceParent, cloudEvent[McpCloudEventAttributes.TraceParent]);
        Assert.Equal("ping", ((JsonElement)cloudEvent.Data!).GetProperty("method").GetString());
    }

    [Fact]
    public void The_codec_reads_what_the_cncf_cloudevents_sdk_writes()
    {
        var extensions = Extensions();
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, extensions)
        {
            Id = "evt-from-cncf",
            Source = new Uri("client-app", UriKind.Relative),
            Type = McpCloudEventTypes.Message,
            Time = DateTimeOffset.UtcNow,
            DataContentType = "application/json; charset=utf-8",
            Data = JsonNode.Parse("""{"jsonrpc":"2.0","id":"a\"b","method":"tools/call","params":{"name":"echo","arguments":{"text":"héllo \u2603"}}}"""),
        };
        cloudEvent[extensions[0]] = "s-2";
        cloudEvent[extensions[1]] = "pubsub://pubsub/replies";

        var decoded = _codec.Decode(new JsonEventFormatter().EncodeStructuredModeMessage(cloudEvent, out _), WireLimits.DefaultMaxMessageBytes);

        Assert.Equal(WireError.None, decoded.Error);
        Assert.Equal(("evt-from-cncf", "client-app", "s-2"), (decoded.Envelope!.Id, decoded.Envelope.Source, decoded.Envelope.SessionId));
        var request = Assert.IsType<JsonRpcRequest>(decoded.Envelope.Message);
        Assert.Equal(new RequestId("a\"b"), request.Id);
        Assert.Equal("héllo ☃", (string?)request.Params!["arguments"]!["text"]);
    }

    [Fact]
    public void Events_larger_than_the_reused_buffer_are_encoded_whole_and_the_next_one_too()
    {
        var big = Request("evt-large") with
        {
            Message = new JsonRpcRequest { Id = new RequestId(1), Method = "tools/call", Params = new JsonObject { ["text"] = new string('x', 100_000) } },
        };

        var first = _codec.Decode(_codec.Encode(big), WireLimits.DefaultMaxMessageBytes);
        var second = _codec.Decode(_codec.Encode(Request("evt-small")), WireLimits.DefaultMaxMessageBytes);

        Assert.Equal(100_000, ((string?)((JsonRpcRequest)first.Envelope!.Message!).Params!["text"])!.Length);
        Assert.Equal("evt-small", second.Envelope!.Id);
        Assert.IsType<JsonRpcRequest>(second.Envelope.Message);
    }

    private static CloudEventAttribute[] Extensions() =>
    [
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.SessionId, CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.ReplyTo, CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.Connection, CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.TraceParent, CloudEventAttributeType.String),
    ];

    private static McpEnvelope Request(string id) => new()
    {
        Id = id,
        Source = "client-app",
        ReplyTo = ReplyAddress.ForPubSub("pubsub", "replies"),
        Message = new JsonRpcRequest { Id = new RequestId(1), Method = "ping" },
    };
}
