using System.Text;
using System.Text.Json;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// The context attributes of a structured-mode CloudEvent 1.0 in JSON, read in one pass over its bytes, and where its
/// <c>data</c> value lies in them, so that the data is deserialized once, straight from the delivered bytes.
/// </summary>
internal readonly record struct StructuredCloudEvent
{
    // The attributes read, in the order of the switch in TryReadCore.
    private static readonly byte[][] Attributes =
    [
        "specversion"u8.ToArray(), "id"u8.ToArray(), "source"u8.ToArray(), "type"u8.ToArray(), "datacontenttype"u8.ToArray(),
        Encoding.UTF8.GetBytes(McpCloudEventAttributes.SessionId), Encoding.UTF8.GetBytes(McpCloudEventAttributes.ReplyTo),
        Encoding.UTF8.GetBytes(McpCloudEventAttributes.Connection), Encoding.UTF8.GetBytes(McpCloudEventAttributes.TraceParent),
        "topic"u8.ToArray(),
    ];

    public string Id { get; init; }

    public string Source { get; init; }

    public string Type { get; init; }

    public string? DataContentType { get; init; }

    public string? SessionId { get; init; }

    public string? ReplyTo { get; init; }

    public string? Connection { get; init; }

    public string? TraceParent { get; init; }

    /// <summary>The topic daprd writes on every event it publishes; read for metrics only.</summary>
    public string? Topic { get; init; }

    /// <summary>The kind of the <c>data</c> value; <see cref="JsonTokenType.None"/> when the event has none.</summary>
    public JsonTokenType DataKind { get; init; }

    /// <summary>Where the <c>data</c> value's JSON text starts in the event.</summary>
    public int DataStart { get; init; }

    /// <summary>How many bytes the <c>data</c> value's JSON text takes.</summary>
    public int DataLength { get; init; }

    /// <summary>Whether the event carries <c>data_base64</c> (binary data) instead of <c>data</c>.</summary>
    public bool HasBinaryData { get; init; }

    /// <summary>Reads an event; on failure <paramref name="error"/> says why.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out StructuredCloudEvent cloudEvent, out string? error)
    {
        cloudEvent = default;
        try
        {
            return TryReadCore(json, out cloudEvent, out error);
        }
        catch (JsonException ex)
        {
            error = "The event is not valid JSON: " + ex.Message;
            return false;
        }
    }

    private static bool TryReadCore(ReadOnlySpan<byte> json, out StructuredCloudEvent cloudEvent, out string? error)
    {
        cloudEvent = default;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "The event is not a JSON object.";
            return false;
        }

        string? specVersion = null, id = null, source = null, type = null;
        var read = new StructuredCloudEvent();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var kind = reader.TokenType;
                reader.Skip();
                read = read with { DataKind = kind, DataStart = start, DataLength = (int)reader.BytesConsumed - start };
                continue;
            }

            if (reader.ValueTextEquals("data_base64"u8))
            {
                reader.Read();
                reader.Skip();
                read = read with { HasBinaryData = true };
                continue;
            }

            // The attributes this project reads must be strings; the others are skipped, whatever they hold.
            var attribute = AttributeIndex(ref reader);
            reader.Read();
            if (attribute < 0)
            {
                reader.Skip();
                continue;
            }

            var value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Null => null, // JSON null means absent (CloudEvents JSON format).
                _ => throw new JsonException($"The attribute '{Encoding.UTF8.GetString(Attributes[attribute])}' must be a string."),
            };
            switch (attribute)
            {
                case 0: specVersion = value; break;
                case 1: id = value; break;
                case 2: source = value; break;
                case 3: type = value; break;
                case 4: read = read with { DataContentType = value }; break;
                case 5: read = read with { SessionId = value }; break;
                case 6: read = read with { ReplyTo = value }; break;
                case 7: read = read with { Connection = value }; break;
                case 8: read = read with { TraceParent = value }; break;
                default: read = read with { Topic = value }; break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            error = "The event has content after its JSON object.";
            return false;
        }

        error = specVersion != "1.0" ? $"The specversion is '{specVersion}'; only 1.0 is understood."
            : string.IsNullOrEmpty(id) ? "The event has no id."
            : string.IsNullOrEmpty(source) ? "The event has no source."
            : string.IsNullOrEmpty(type) ? "The event has no type."
            : read.DataKind != JsonTokenType.None && read.HasBinaryData ? "The event has both data and data_base64."
            : null;
        cloudEvent = read with { Id = id!, Source = source!, Type = type! };
        return error is null;
    }

    private static int AttributeIndex(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < Attributes.Length; i++)
        {
            if (reader.ValueTextEquals(Attributes[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
