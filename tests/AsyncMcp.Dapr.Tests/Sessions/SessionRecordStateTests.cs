using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Server.Sessions;

namespace AsyncMcp.Dapr.Tests.Sessions;

/// <summary>
/// An actor session's record keeps its messages (the replayed initialize exchange, the requests in flight) as JSON
/// values in the actor's state, not as strings: a string escapes every quote, and every save wrote and the sidecar
/// parsed the messages at three times their size. Records written as strings by earlier versions still load.
/// </summary>
public sealed class SessionRecordStateTests
{
    // What Dapr.Actors serializes actor state with (JsonSerializerDefaults.Web, the default encoder).
    private static readonly JsonSerializerOptions ActorState = new(JsonSerializerDefaults.Web);

    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""";
    private const string Call = """{"jsonrpc":"2.0","id":"call-7","method":"tools/call","params":{"name":"echo","arguments":{"text":"a \"quoted\" word"}}}""";

    private static SessionRecord Record() => new()
    {
        SessionId = "s",
        OwnerAppId = "client",
        ReplyTo = "pubsub://pubsub/replies",
        Replay = [Initialize],
        InFlight = [new InFlightRequest { Id = "\"call-7\"", Method = "tools/call", Message = Call }],
    };

    [Fact]
    public void Messages_are_stored_as_JSON_values_and_come_back_as_the_same_text()
    {
        var json = JsonSerializer.Serialize(Record(), ActorState);

        var stored = JsonNode.Parse(json)!;
        Assert.Equal("initialize", stored["replay"]![0]!["method"]!.GetValue<string>());
        Assert.Equal("tools/call", stored["inFlight"]![0]!["message"]!["method"]!.GetValue<string>());

        var loaded = JsonSerializer.Deserialize<SessionRecord>(json, ActorState)!;
        Assert.Equal(Initialize, Assert.Single(loaded.Replay));
        Assert.Equal(Call, Assert.Single(loaded.InFlight).Message);
    }

    [Fact]
    public void A_record_an_earlier_version_wrote_with_messages_as_strings_still_loads()
    {
        var earlier = new JsonObject
        {
            ["sessionId"] = "s",
            ["ownerAppId"] = "client",
            ["replyTo"] = "pubsub://pubsub/replies",
            ["replay"] = new JsonArray(JsonValue.Create(Initialize)),
            ["inFlight"] = new JsonArray(new JsonObject { ["id"] = "\"call-7\"", ["method"] = "tools/call", ["message"] = Call }),
        }.ToJsonString(ActorState);

        var loaded = JsonSerializer.Deserialize<SessionRecord>(earlier, ActorState)!;

        Assert.Equal(Initialize, Assert.Single(loaded.Replay));
        Assert.Equal(Call, Assert.Single(loaded.InFlight).Message);
        Assert.True(JsonSerializer.Serialize(loaded, ActorState).Length < earlier.Length);
    }
}
