using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;
using FsCheck;
using FsCheck.Fluent;

namespace AsyncMcp.Dapr.Tests.Wire;

/// <summary>
/// Generated input for the CloudEvent decoder: random bytes, well-formed events whose attributes and message hold any
/// UTF-16 text (lone surrogates and control characters included), and valid events cut or with bytes flipped. No
/// exception may escape, and what is accepted keeps every limit.
/// </summary>
public sealed class DecoderPropertyTests
{
    private static readonly string[] Attributes =
        ["id", "source", "type", McpCloudEventAttributes.SessionId, McpCloudEventAttributes.ReplyTo, McpCloudEventAttributes.Connection,
         McpCloudEventAttributes.TraceParent, "datacontenttype", "topic", "specversion"];

    private readonly McpEnvelopeCodec _codec = new();

    [Fact]
    public void Random_bytes_never_throw()
    {
        Check.One(FuzzInput.Runs, Prop.ForAll(Arb.From(FuzzInput.Bytes()), body => Decodes(body)));
    }

    [Fact]
    public void Events_with_any_text_in_any_attribute_never_throw_and_what_is_accepted_keeps_the_limits()
    {
        var cases = Gen.Elements(Attributes).Zip(FuzzInput.Text(longText: true)).Zip(FuzzInput.Text(longText: true));

        Check.One(FuzzInput.Runs, Prop.ForAll(Arb.From(cases), input =>
        {
            var ((attribute, value), method) = input;
            var cloudEvent = ValidEvent(method);
            cloudEvent[attribute] = value;
            var decoded = _codec.Decode(Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()), 1024 * 1024);
            return decoded.Error != WireError.None || Keeps(decoded.Envelope!);
        }));
    }

    [Fact]
    public void Valid_events_cut_short_or_with_bytes_flipped_never_throw()
    {
        var valid = Encoding.UTF8.GetBytes(ValidEvent("tools/list").ToJsonString());

        Check.One(FuzzInput.Runs, Prop.ForAll(Arb.From(FuzzInput.Damaged(valid)), body => Decodes(body)));
    }

    private bool Decodes(ReadOnlyMemory<byte> body)
    {
        var decoded = _codec.Decode(body, WireLimits.DefaultMaxMessageBytes);
        return decoded.Error != WireError.None ? !string.IsNullOrEmpty(decoded.Detail) : decoded.Envelope is not null;
    }

    private static bool Keeps(McpEnvelope envelope) =>
        envelope.Id.Length <= WireLimits.MaxIdLength && !LogText.HasControlCharacters(envelope.Id)
        && envelope.Source.Length <= WireLimits.MaxIdLength && !LogText.HasControlCharacters(envelope.Source)
        && (envelope.SessionId is null || (envelope.SessionId.Length <= WireLimits.MaxSessionIdLength && !LogText.HasControlCharacters(envelope.SessionId)))
        && (envelope.Connection is null || (envelope.Connection.Length <= WireLimits.MaxConnectionLength && !LogText.HasControlCharacters(envelope.Connection)));

    private static JsonObject ValidEvent(string method) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = "evt-1",
        ["source"] = "client-app",
        ["type"] = McpCloudEventTypes.Message,
        [McpCloudEventAttributes.ReplyTo] = "pubsub://pubsub/replies",
        ["data"] = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method },
    };
}
