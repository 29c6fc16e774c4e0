using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Wire;

/// <summary>
/// Every attribute a sender chooses is bounded and free of control characters at decode: an event breaking a limit is
/// refused before anything of it is kept (no envelope, so no de-duplication entry, session or reply), and the reason
/// names the attribute, never its value.
/// </summary>
public sealed class AttributeLimitsTests
{
    private readonly McpEnvelopeCodec _codec = new();

    public static TheoryData<string, int> Limits => new()
    {
        { "id", WireLimits.MaxIdLength },
        { "source", WireLimits.MaxIdLength },
        { McpCloudEventAttributes.SessionId, WireLimits.MaxSessionIdLength },
        { McpCloudEventAttributes.Connection, WireLimits.MaxConnectionLength },
        { McpCloudEventAttributes.TraceParent, WireLimits.MaxTraceParentLength },
        { "topic", WireLimits.MaxIdLength },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void An_attribute_at_its_limit_is_accepted_and_one_character_more_is_refused(string attribute, int limit)
    {
        Assert.Equal(WireError.None, Decode(attribute, new string('a', limit)).Error);

        var refused = Decode(attribute, new string('a', limit + 1));

        Assert.Equal(WireError.InvalidAttribute, refused.Error);
        Assert.Null(refused.Envelope);
        Assert.Contains($"'{attribute}'", refused.Detail);
        Assert.Contains($"{limit + 1} characters", refused.Detail);
        Assert.Equal(DropReasons.InvalidAttribute, DropReasons.Of(refused.Error));
    }

    [Fact]
    public void A_reply_address_past_its_limit_is_refused()
    {
        var address = "pubsub://pubsub/" + new string('r', WireLimits.MaxReplyToLength);

        var refused = Decode(McpCloudEventAttributes.ReplyTo, address);

        Assert.Equal(WireError.InvalidAttribute, refused.Error);
        Assert.DoesNotContain(new string('r', 64), refused.Detail);
    }

    [Fact]
    public void A_200_kilobyte_id_is_refused_without_its_text_in_the_reason()
    {
        var refused = Decode("id", new string('i', 200 * 1024));

        Assert.Equal(WireError.InvalidAttribute, refused.Error);
        Assert.Null(refused.Envelope);
        Assert.True(refused.Detail!.Length < 200, refused.Detail);
    }

    [Theory]
    [InlineData("id", "evt\r\nforged log line")]
    [InlineData("source", "app\u001b[2J")]
    [InlineData(McpCloudEventAttributes.SessionId, "s\n1")]
    [InlineData(McpCloudEventAttributes.Connection, "c\u0000")]
    [InlineData(McpCloudEventAttributes.SessionId, "s\u2028")]
    [InlineData("id", "evt\u0085")]
    public void An_attribute_with_control_characters_is_refused(string attribute, string value)
    {
        var refused = Decode(attribute, value);

        Assert.Equal(WireError.InvalidAttribute, refused.Error);
        Assert.Null(refused.Envelope);
        Assert.Contains("control characters", refused.Detail);
    }

    private DecodeResult Decode(string attribute, string value)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "evt-1",
            ["source"] = "client-app",
            ["type"] = McpCloudEventTypes.Message,
            [McpCloudEventAttributes.ReplyTo] = "pubsub://pubsub/replies",
            ["data"] = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "ping" },
        };
        cloudEvent[attribute] = value;
        return _codec.Decode(Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()), 1024 * 1024);
    }
}
