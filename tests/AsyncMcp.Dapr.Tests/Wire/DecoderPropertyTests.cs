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

    private static Config Runs => Config.QuickThrowOnFailure.WithMaxTest(2_000);

    [Fact]
    public void Random_bytes_never_throw()
    {
        var bytes = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();

        Check.One(Runs, Prop.ForAll(Arb.From(bytes), body => Decodes(body)));
    }

    [Fact]
    public void Events_with_any_text_in_any_attribute_never_throw_and_what_is_accepted_keeps_the_limits()
    {
        var cases = Gen.Elements(Attributes).Zip(AnyText()).Zip(AnyText());

        Check.One(Runs, Prop.ForAll(Arb.From(cases), input =>
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
        var mutations = Gen.Choose(0, valid.Length - 1).Zip(Gen.Choose(0, 255)).ArrayOf().Zip(Gen.Choose(0, valid.Length));

        Check.One(Runs, Prop.ForAll(Arb.From(mutations), input =>
        {
            var (flips, length) = input;
            var body = valid.ToArray();
            foreach (var (index, value) in flips)
            {
                body[index] = (byte)value;
            }

            return Decodes(body.AsMemory(0, length));
        }));
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

    // Any UTF-16 text, short or past the limits, with a bias to the characters that break things.
    private static Gen<string> AnyText()
    {
        var character = Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7e)),
            (2, Gen.Choose(0, 0x1f)),
            (1, Gen.Elements(0x7f, 0x85, 0x2028, 0x202e, 0xd800, 0xdc00, 0xfffe)),
            (1, Gen.Choose(0, 0xffff))).Select(c => (char)c);
        var shortText = character.ArrayOf().Select(chars => new string(chars));
        var longText = Gen.Choose(250, 1100).Zip(character).Select(pair => new string(pair.Item2, pair.Item1));
        return Gen.Frequency((4, shortText), (1, longText));
    }

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
