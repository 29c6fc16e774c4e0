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
        var cloudEvent = ContentTypes.IsCloudEvent(request.DataContentType)
            ? FromCloudEvent(request)
            : NewEnvelope(request);
        ApplyMetadata(cloudEvent, request.Metadata, now);

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
    /// An app's own CloudEvent: kept as is (id, source, type, extensions), with the sidecar's topic, pubsubname
    /// and trace attributes written over it, and source/type/specversion defaulted when missing. No cloudevent.* overrides.
    /// </summary>
    private static JsonObject FromCloudEvent(Request request)
    {
        JsonObject cloudEvent;
        try
        {
            cloudEvent = JsonNode.Parse(request.Data.Span) as JsonObject ?? throw DaprErrors.CloudEventCreation();
        }
        catch (JsonException)
        {
            throw DaprErrors.CloudEventCreation();
        }

        cloudEvent[CloudEventFields.TraceId] = request.TraceParent;
        cloudEvent[CloudEventFields.TraceParent] = request.TraceParent;
        cloudEvent[CloudEventFields.TraceState] = request.TraceState;
        cloudEvent[CloudEventFields.Topic] = request.Topic;
        cloudEvent[CloudEventFields.PubSubName] = request.PubSubName;
        if (cloudEvent[CloudEventFields.Source] is null)
        {
            cloudEvent[CloudEventFields.Source] = CloudEventFields.DefaultSource;
        }

        if (cloudEvent[CloudEventFields.Type] is null)
        {
            cloudEvent[CloudEventFields.Type] = CloudEventFields.DefaultType;
        }

        if (cloudEvent[CloudEventFields.SpecVersion] is null)
        {
            cloudEvent[CloudEventFields.SpecVersion] = CloudEventFields.SpecVersion10;
        }

        return cloudEvent;
    }

    /// <summary>
    /// A raw payload wrapped in a new envelope. Metadata keys cloudevent.id, .source, .type, .traceid, .traceparent
    /// and .tracestate (any case) override the generated attributes; a traceparent override also sets traceid.
    /// </summary>
    private static JsonObject NewEnvelope(Request request)
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
    private static void ApplyMetadata(JsonObject cloudEvent, IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        if (metadata.TryGetValue("ttlInSeconds", out var ttl) && long.TryParse(ttl, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            cloudEvent[CloudEventFields.Expiration] = now.UtcDateTime.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whether a delivered CloudEvent has expired (components-contrib pubsub/envelope.go HasExpired).</summary>
    public static bool HasExpired(JsonObject cloudEvent, DateTimeOffset now)
    {
        if (cloudEvent[CloudEventFields.Expiration] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration))
        {
            return expiration < now;
        }

        return false;
    }
}
