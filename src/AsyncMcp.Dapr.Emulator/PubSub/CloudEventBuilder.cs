using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Emulator.Api;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// Builds the CloudEvent a sidecar puts on the broker for a publish call, as daprd does
/// (dapr/dapr pkg/runtime/pubsub/cloudevents.go NewCloudEvent; components-contrib pubsub/envelope.go
/// NewCloudEventsEnvelope, FromCloudEvent and ApplyMetadata).
/// </summary>
internal static class CloudEventBuilder
{
    /// <summary>What a publish call brings.</summary>
    internal sealed record Request(
        string AppId,
        string PubSubName,
        string Topic,
        ReadOnlyMemory<byte> Data,
        string? DataContentType,
        IReadOnlyDictionary<string, string> Metadata,
        string TraceParent,
        string TraceState);

    /// <summary>The CloudEvent JSON for <paramref name="request"/>; throws daprd's ERR_PUBSUB_CLOUD_EVENTS_SER for an unreadable CloudEvent.</summary>
    public static byte[] Build(Request request, DateTimeOffset now)
    {
        if (ContentTypes.IsCloudEvent(request.DataContentType))
        {
            return FromCloudEvent(request, now);
        }

        var cloudEvent = NewEnvelope(request, now);
        if (Expiration(request.Metadata, now) is { } expiration)
        {
            cloudEvent[CloudEventFields.Expiration] = expiration;
        }

        // Go marshals a map with its keys in order: so does the emulator.
        var sorted = new JsonObject();
        foreach (var (key, value) in cloudEvent.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            cloudEvent.Remove(key);
            sorted[key] = value;
        }

        return JsonSerializer.SerializeToUtf8Bytes(sorted);
    }

    /// <summary>
    /// An app's own CloudEvent: kept as is (id, source, type, extensions), with the sidecar's topic and pubsubname
    /// written over it, its trace attributes set unless it has a traceid, time, source, type and specversion defaulted
    /// when missing. No cloudevent.* overrides.
    /// Read once and written once, keys in order as Go marshals a map (a repeated key: the last one, as Go reads it); the
    /// attributes' values, data included, are copied as they came rather than rebuilt as a tree.
    /// </summary>
    private static byte[] FromCloudEvent(Request request, DateTimeOffset now)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Data);
        }
        catch (JsonException e)
        {
            throw DaprErrors.CloudEventCreation(request.PubSubName, request.AppId, e.Message);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw DaprErrors.CloudEventCreation(request.PubSubName, request.AppId, $"a CloudEvent must be a JSON object, not {document.RootElement.ValueKind}");
            }

            var fields = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }

            // An event that brings its own traceid keeps its trace fields (components-contrib #3080, Dapr 1.12).
            if (!fields.ContainsKey(CloudEventFields.TraceId))
            {
                fields[CloudEventFields.TraceId] = request.TraceParent;
                fields[CloudEventFields.TraceParent] = request.TraceParent;
            }

            fields.TryAdd(CloudEventFields.TraceState, request.TraceState);
            fields.TryAdd(CloudEventFields.Time, Rfc3339(now));
            fields[CloudEventFields.Topic] = request.Topic;
            fields[CloudEventFields.PubSubName] = request.PubSubName;
            DefaultWhenMissing(fields, CloudEventFields.Source, CloudEventFields.DefaultSource);
            DefaultWhenMissing(fields, CloudEventFields.Type, CloudEventFields.DefaultType);
            DefaultWhenMissing(fields, CloudEventFields.SpecVersion, CloudEventFields.SpecVersion10);
            if (Expiration(request.Metadata, now) is { } expiration)
            {
                fields[CloudEventFields.Expiration] = expiration;
            }

            var buffer = new ArrayBufferWriter<byte>(request.Data.Length + 512);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var (key, value) in fields)
                {
                    writer.WritePropertyName(key);
                    if (value is JsonElement element)
                    {
                        element.WriteTo(writer);
                    }
                    else
                    {
                        writer.WriteStringValue((string)value);
                    }
                }

                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
    }

    // Missing or null, as Go sees an absent map key or a nil value.
    private static void DefaultWhenMissing(SortedDictionary<string, object> fields, string key, string value)
    {
        if (!fields.TryGetValue(key, out var current) || current is JsonElement { ValueKind: JsonValueKind.Null })
        {
            fields[key] = value;
        }
    }

    /// <summary>
    /// A raw payload wrapped in a new envelope. Metadata keys cloudevent.id, .source, .type, .traceid, .traceparent
    /// and .tracestate (any case) override the generated attributes; a traceparent override also sets traceid.
    /// </summary>
    private static JsonObject NewEnvelope(Request request, DateTimeOffset now)
    {
        string? id = null;
        var source = request.AppId;
        var type = CloudEventFields.DefaultType;
        var traceId = request.TraceParent;
        var traceState = request.TraceState;
        string? traceParentOverride = null;
        foreach (var (key, value) in request.Metadata)
        {
            switch (key.ToLowerInvariant())
            {
                case "cloudevent.id": id = value; break;
                case "cloudevent.source": source = value; break;
                case "cloudevent.type": type = value; break;
                case "cloudevent.traceid": traceId = value; break;
                case "cloudevent.tracestate": traceState = value; break;
                case "cloudevent.traceparent": traceParentOverride = value; break;
            }
        }

        if (!string.IsNullOrEmpty(traceParentOverride))
        {
            traceId = traceParentOverride;
        }

        var dataContentType = string.IsNullOrEmpty(request.DataContentType) ? CloudEventFields.DefaultDataContentType : request.DataContentType;
        var cloudEvent = new JsonObject
        {
            [CloudEventFields.Id] = string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString() : id,
            [CloudEventFields.SpecVersion] = CloudEventFields.SpecVersion10,
            [CloudEventFields.DataContentType] = dataContentType,
            [CloudEventFields.Source] = string.IsNullOrEmpty(source) ? CloudEventFields.DefaultSource : source,
            [CloudEventFields.Type] = string.IsNullOrEmpty(type) ? CloudEventFields.DefaultType : type,
            [CloudEventFields.Topic] = request.Topic,
            [CloudEventFields.PubSubName] = request.PubSubName,
            [CloudEventFields.TraceId] = traceId,
            [CloudEventFields.TraceParent] = traceId,
            [CloudEventFields.TraceState] = traceState,
            [CloudEventFields.Time] = Rfc3339(now),
        };

        if (ContentTypes.IsJson(dataContentType))
        {
            JsonNode? data;
            try
            {
                data = JsonNode.Parse(request.Data.Span);
            }
            catch (JsonException)
            {
                data = JsonValue.Create(Encoding.UTF8.GetString(request.Data.Span));
            }

            cloudEvent[CloudEventFields.Data] = data;
        }
        else if (ContentTypes.IsBinary(dataContentType))
        {
            cloudEvent[CloudEventFields.DataBase64] = Convert.ToBase64String(request.Data.Span);
        }
        else
        {
            cloudEvent[CloudEventFields.Data] = Encoding.UTF8.GetString(request.Data.Span);
        }

        return cloudEvent;
    }

    /// <summary>Metadata ttlInSeconds becomes the expiration attribute (the emulated brokers have no TTL of their own).</summary>
    // Go's time.Now().Format(time.RFC3339) in daprd's zone, UTC in its container image.
    private static string Rfc3339(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Expiration(IReadOnlyDictionary<string, string> metadata, DateTimeOffset now) =>
        metadata.TryGetValue("ttlInSeconds", out var ttl) && long.TryParse(ttl, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? now.UtcDateTime.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : null;
}
