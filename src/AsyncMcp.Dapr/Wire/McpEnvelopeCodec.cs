using System.Buffers;
using System.Net.Mime;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Encodes and decodes <see cref="McpEnvelope"/>s as CloudEvents 1.0 in structured JSON mode. The event is written and
/// read in one pass with the MCP SDK's JSON options for the JSON-RPC message in <c>data</c>: every message crosses the
/// codec twice per hop, so it allocates little more than the message itself and the encoded bytes.
/// </summary>
internal sealed class McpEnvelopeCodec
{
    /// <summary>The content type of a structured-mode CloudEvent in JSON.</summary>
    public const string CloudEventContentType = "application/cloudevents+json";

    private readonly JsonTypeInfo _messageType = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    // One writer and buffer per thread, reused: an event is written synchronously, then copied out at its exact size.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Encodes an envelope as the UTF-8 bytes of a structured-mode CloudEvent.</summary>
    public ReadOnlyMemory<byte> Encode(McpEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            writer.WriteStartObject();
            writer.WriteString("specversion"u8, "1.0"u8);
            writer.WriteString("id"u8, envelope.Id);
            writer.WriteString("source"u8, envelope.Source);
            writer.WriteString("type"u8, envelope.Type);
            writer.WriteString("time"u8, DateTimeOffset.UtcNow);
            WriteIfPresent(writer, McpCloudEventAttributes.SessionId, envelope.SessionId);
            WriteIfPresent(writer, McpCloudEventAttributes.ReplyTo, envelope.ReplyTo?.ToString());
            WriteIfPresent(writer, McpCloudEventAttributes.Connection, envelope.Connection);
            WriteIfPresent(writer, McpCloudEventAttributes.TraceParent, envelope.TraceParent);
            WriteIfPresent(writer, McpCloudEventAttributes.TraceId, envelope.TraceParent);
            if (envelope.Message is not null)
            {
                writer.WriteString("datacontenttype"u8, MediaTypeNames.Application.Json);
                writer.WritePropertyName("data"u8);
                JsonSerializer.Serialize(writer, envelope.Message, _messageType);
            }

            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            // A buffer grown by one large message is not kept for the thread's lifetime.
            if (buffer.Capacity > 64 * 1024)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    /// <summary>Decodes a delivered structured-mode CloudEvent; never throws for bad input.</summary>
    /// <param name="body">The event as delivered by the sidecar.</param>
    /// <param name="maxMessageBytes">The wire limit; larger events are refused (after reading their attributes).</param>
    public DecodeResult Decode(ReadOnlyMemory<byte> body, int maxMessageBytes)
    {
        if (!StructuredCloudEvent.TryRead(body.Span, out var cloudEvent, out var error))
        {
            return DecodeResult.Fail(WireError.MalformedCloudEvent, error!);
        }

        // Checked before anything of the event is kept (the de-duplication window, sessions, logs): every attribute
        // an attacker chooses is bounded and free of control characters.
        if (InvalidAttribute(cloudEvent) is { } invalid)
        {
            return DecodeResult.Fail(WireError.InvalidAttribute, invalid);
        }

        _ = ReplyAddress.TryParse(cloudEvent.ReplyTo, out var replyTo);
        var partial = new McpEnvelope
        {
            Id = cloudEvent.Id,
            Source = cloudEvent.Source,
            Type = cloudEvent.Type,
            SessionId = cloudEvent.SessionId,
            ReplyTo = replyTo,
            Connection = cloudEvent.Connection,
            TraceParent = cloudEvent.TraceParent,
            Topic = cloudEvent.Topic,
        };

        if (body.Length > maxMessageBytes + WireLimits.DeliveryOverheadBytes)
        {
            return DecodeResult.Fail(WireError.TooLarge, $"The event is {body.Length} bytes; the limit is {maxMessageBytes}.", partial);
        }

        if (cloudEvent.ReplyTo is not null && replyTo is null)
        {
            return DecodeResult.Fail(WireError.MissingAttribute, $"'{cloudEvent.ReplyTo}' is not a valid {McpCloudEventAttributes.ReplyTo}.", partial);
        }

        if (partial.Type == McpCloudEventTypes.SessionClose)
        {
            return partial.SessionId is null
                ? DecodeResult.Fail(WireError.MissingAttribute, $"A session close event needs {McpCloudEventAttributes.SessionId}.", partial)
                : DecodeResult.Ok(partial);
        }

        if (partial.Type != McpCloudEventTypes.Message)
        {
            return DecodeResult.Fail(WireError.MalformedCloudEvent, $"Unknown event type '{partial.Type}'.", partial);
        }

        if (cloudEvent.DataKind != JsonTokenType.StartObject || !IsJson(cloudEvent.DataContentType))
        {
            return DecodeResult.Fail(WireError.MalformedJsonRpc, "The event data is not a JSON object.", partial);
        }

        JsonRpcMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(body.Span.Slice(cloudEvent.DataStart, cloudEvent.DataLength), _messageType) as JsonRpcMessage;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or FormatException or ArgumentException)
        {
            // Invalid UTF-8 or a lone surrogate in a string, or a value the SDK's converters refuse.
            return DecodeResult.Fail(WireError.MalformedJsonRpc, ex.Message, partial);
        }

        if (message is null)
        {
            return DecodeResult.Fail(WireError.MalformedJsonRpc, "The event data is not a JSON-RPC message.", partial);
        }

        return DecodeResult.Ok(partial with { Message = message });
    }

    private static string? InvalidAttribute(in StructuredCloudEvent cloudEvent) =>
        Check("id", cloudEvent.Id, WireLimits.MaxIdLength)
        ?? Check("source", cloudEvent.Source, WireLimits.MaxIdLength)
        ?? Check("type", cloudEvent.Type, WireLimits.MaxIdLength)
        ?? Check(McpCloudEventAttributes.SessionId, cloudEvent.SessionId, WireLimits.MaxSessionIdLength)
        ?? Check(McpCloudEventAttributes.Connection, cloudEvent.Connection, WireLimits.MaxConnectionLength)
        ?? Check(McpCloudEventAttributes.ReplyTo, cloudEvent.ReplyTo, WireLimits.MaxReplyToLength)
        ?? Check(McpCloudEventAttributes.TraceParent, cloudEvent.TraceParent, WireLimits.MaxTraceParentLength)
        ?? Check("datacontenttype", cloudEvent.DataContentType, WireLimits.MaxIdLength)
        ?? Check("topic", cloudEvent.Topic, WireLimits.MaxIdLength);

    // The message names the attribute and its length, never its value: the value is what cannot be trusted.
    private static string? Check(string attribute, string? value, int maxLength) =>
        value is null ? null
        : value.Length > maxLength ? $"The attribute '{attribute}' is {value.Length} characters long; the limit is {maxLength}."
        : LogText.HasControlCharacters(value) ? $"The attribute '{attribute}' holds control characters."
        : null;

    // CloudEvents JSON format: data is JSON when datacontenttype is absent or names a JSON media type.
    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return true;
        }

        var mediaType = contentType.AsSpan();
        var parameters = mediaType.IndexOf(';');
        mediaType = (parameters >= 0 ? mediaType[..parameters] : mediaType).Trim();
        return mediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
