using System.Text;
using System.Text.Json;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// The context attributes of a structured-mode CloudEvent 1.0 in JSON, read in one pass over its bytes, and where its
/// <c>data</c> value lies in them, so that the data is deserialized once, straight from the delivered bytes.
/// </summary>
internal readonly record struct StructuredCloudEvent
{
    private const int SpecVersionIndex = 0, IdIndex = 1, SourceIndex = 2, TypeIndex = 3, DataContentTypeIndex = 4,
        SessionIdIndex = 5, ReplyToIndex = 6, ConnectionIndex = 7, TraceParentIndex = 8, TopicIndex = 9, AttributeCount = 10;

    // The attributes read, at the indexes above.
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
        catch (InvalidOperationException ex)
        {
            // A string that is not valid UTF-8, or escapes a lone surrogate: it cannot become text.
            error = "The event holds a string that is not valid Unicode: " + ex.Message;
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

        // One value per entry of Attributes, in its order, on the stack; the event is built once at the end.
        var values = new AttributeValues();
        var dataKind = JsonTokenType.None;
        int dataStart = 0, dataLength = 0;
        var hasBinaryData = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                dataStart = (int)reader.TokenStartIndex;
                dataKind = reader.TokenType;
                reader.Skip();
                dataLength = (int)reader.BytesConsumed - dataStart;
                continue;
            }

            if (reader.ValueTextEquals("data_base64"u8))
            {
                reader.Read();
                reader.Skip();
                hasBinaryData = true;
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

            values[attribute] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Null => null, // JSON null means absent (CloudEvents JSON format).
                _ => throw new JsonException($"The attribute '{Encoding.UTF8.GetString(Attributes[attribute])}' must be a string."),
            };
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            error = "The event has content after its JSON object.";
            return false;
        }

        var (specVersion, id, source, type) = (values[SpecVersionIndex], values[IdIndex], values[SourceIndex], values[TypeIndex]);
        error = specVersion != "1.0" ? $"The specversion is '{specVersion}'; only 1.0 is understood."
            : string.IsNullOrEmpty(id) ? "The event has no id."
            : string.IsNullOrEmpty(source) ? "The event has no source."
            : string.IsNullOrEmpty(type) ? "The event has no type."
            : dataKind != JsonTokenType.None && hasBinaryData ? "The event has both data and data_base64."
            : null;
        cloudEvent = new StructuredCloudEvent
        {
            Id = id!,
            Source = source!,
            Type = type!,
            DataContentType = values[DataContentTypeIndex],
            SessionId = values[SessionIdIndex],
            ReplyTo = values[ReplyToIndex],
            Connection = values[ConnectionIndex],
            TraceParent = values[TraceParentIndex],
            Topic = values[TopicIndex],
            DataKind = dataKind,
            DataStart = dataStart,
            DataLength = dataLength,
            HasBinaryData = hasBinaryData,
        };
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

    [System.Runtime.CompilerServices.InlineArray(AttributeCount)]
    private struct AttributeValues
    {
        private string? _first;
    }
}
