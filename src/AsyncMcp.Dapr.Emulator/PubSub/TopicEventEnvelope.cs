using System.Buffers;
using System.Text.Json;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// The <see cref="TopicEventRequest"/> daprd sends a gRPC subscriber for a CloudEvent (dapr/dapr
/// pkg/runtime/pubsub/subscriptions.go GRPCEnvelopeFromSubscriptionMessage, ExtractCloudEventExtensions): the five
/// envelope attributes as strings, the data as bytes, every other attribute as an extension.
/// </summary>
internal static class TopicEventEnvelope
{
    /// <summary>The attributes that have fields of their own, so are not repeated among the extensions (cloudEventDuplicateKeys).</summary>
    private static readonly HashSet<string> EnvelopeAttributes = new(StringComparer.Ordinal)
    {
        CloudEventFields.Id, CloudEventFields.Source, CloudEventFields.DataContentType, CloudEventFields.Type, CloudEventFields.SpecVersion, CloudEventFields.Data, CloudEventFields.DataBase64,
    };

    /// <summary>
    /// The envelope of <paramref name="cloudEvent"/> for a subscriber of <paramref name="topic"/> on
    /// <paramref name="pubSubName"/>, with the route a streaming subscription has ("/").
    /// </summary>
    /// <exception cref="FormatException">The data cannot be sent as daprd would (a retriable error there).</exception>
    public static TopicEventRequest FromCloudEvent(ReadOnlySpan<byte> cloudEvent, string pubSubName, string topic)
    {
        var reader = new Utf8JsonReader(cloudEvent);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var envelope = new TopicEventRequest
        {
            Id = Text(root, CloudEventFields.Id),
            Source = Text(root, CloudEventFields.Source),
            DataContentType = Text(root, CloudEventFields.DataContentType),
            Type = Text(root, CloudEventFields.Type),
            SpecVersion = Text(root, CloudEventFields.SpecVersion),
            Topic = topic,
            PubsubName = pubSubName,
            Path = "/",
            Data = Data(root, Text(root, CloudEventFields.DataContentType)),
            Extensions = new Struct(),
        };

        foreach (var property in root.EnumerateObject())
        {
            if (!EnvelopeAttributes.Contains(property.Name))
            {
                envelope.Extensions.Fields[property.Name] = ProtoValue(property.Value);
            }
        }

        return envelope;
    }

    // ExtractCloudEventProperty: the attribute when it is a string, else empty.
    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static ByteString Data(JsonElement root, string contentType)
    {
        if (root.TryGetProperty(CloudEventFields.DataBase64, out var base64) && base64.ValueKind != JsonValueKind.Null)
        {
            if (base64.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("unexpected data type encountered in envelope");
            }

            try
            {
                return ByteString.CopyFrom(Convert.FromBase64String(base64.GetString()!));
            }
            catch (FormatException e)
            {
                throw new FormatException("unable to base64 decode cloudEvent field data_base64: " + e.Message, e);
            }
        }

        if (!root.TryGetProperty(CloudEventFields.Data, out var data) || data.ValueKind == JsonValueKind.Null)
        {
            return ByteString.Empty;
        }

        if (IsStringContentType(contentType))
        {
            return data.ValueKind == JsonValueKind.String
                ? ByteString.CopyFromUtf8(data.GetString()!)
                : throw new FormatException("unexpected data type encountered in envelope");
        }

        if (!ContentTypes.IsJson(contentType) && !ContentTypes.IsCloudEvent(contentType))
        {
            return ByteString.Empty;
        }

        // json.Marshal of the decoded value: compact, object keys in order as Go marshals a map; numbers are copied as
        // they came (daprd's float64 round trip would turn 1.0 into 1).
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSorted(writer, data);
        }

        return ByteString.CopyFrom(buffer.WrittenSpan);
    }

    // components-contrib contenttype.IsStringContentType: text/* or application/xml.
    private static bool IsStringContentType(string contentType) =>
        contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || ContentTypes.IsXml(contentType);

    private static void WriteSorted(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    // protojson's reading of a JSON value into google.protobuf.Value: numbers as doubles, objects as Structs.
    private static Value ProtoValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Value.ForString(value.GetString()),
        JsonValueKind.Number => Value.ForNumber(value.GetDouble()),
        JsonValueKind.True => Value.ForBool(true),
        JsonValueKind.False => Value.ForBool(false),
        JsonValueKind.Object => Value.ForStruct(StructOf(value)),
        JsonValueKind.Array => Value.ForList([.. value.EnumerateArray().Select(ProtoValue)]),
        _ => Value.ForNull(),
    };

    private static Struct StructOf(JsonElement value)
    {
        var result = new Struct();
        foreach (var property in value.EnumerateObject())
        {
            result.Fields[property.Name] = ProtoValue(property.Value);
        }

        return result;
    }
}
