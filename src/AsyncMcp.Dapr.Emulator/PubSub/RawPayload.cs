using System.Text.Json.Nodes;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// Subscriptions with metadata <c>rawPayload</c>: the sidecar does not read the message as a CloudEvent, it wraps
/// whatever bytes are on the broker in a new one (dapr/dapr pkg/runtime/subscription/subscription.go, case rawPayload;
/// components-contrib metadata/utils.go IsRawPayload and pubsub/envelope.go FromRawPayload): a fresh id, type
/// <c>com.dapr.event.sent</c>, source <c>Dapr</c>, <c>application/octet-stream</c>, the bytes as <c>data_base64</c>,
/// the topic and pubsub name, and the trace context from the message's metadata.
/// </summary>
internal static class RawPayload
{
    private const string MetadataKey = "rawPayload";

    /// <summary>Whether the subscription asks for raw payloads; <see langword="null"/> when its value is not a Go boolean.</summary>
    public static bool? IsRequested(IReadOnlyDictionary<string, string> subscriptionMetadata)
    {
        if (!subscriptionMetadata.TryGetValue(MetadataKey, out var value) || value.Length == 0)
        {
            return false;
        }

        // strconv.ParseBool
        return value switch
        {
            "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
            "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
            _ => null,
        };
    }

    /// <summary>The CloudEvent daprd delivers for a raw message.</summary>
    public static JsonObject Wrap(PublishedMessage message, string topic, string pubSubName)
    {
        var cloudEvent = new JsonObject
        {
            [CloudEventFields.Id] = Guid.NewGuid().ToString(),
            [CloudEventFields.SpecVersion] = CloudEventFields.SpecVersion10,
            [CloudEventFields.DataContentType] = "application/octet-stream",
            [CloudEventFields.Source] = CloudEventFields.DefaultSource,
            [CloudEventFields.Type] = CloudEventFields.DefaultType,
            [CloudEventFields.Topic] = topic,
            [CloudEventFields.PubSubName] = pubSubName,
            [CloudEventFields.DataBase64] = Convert.ToBase64String(message.Body.Span),
        };

        if (message.Metadata.TryGetValue(CloudEventFields.TraceId, out var traceId))
        {
            cloudEvent[CloudEventFields.TraceId] = traceId;
        }

        if (message.Metadata.TryGetValue(CloudEventFields.TraceParent, out var traceParent))
        {
            // traceparent supersedes traceid.
            cloudEvent[CloudEventFields.TraceParent] = traceParent;
            cloudEvent[CloudEventFields.TraceId] = traceParent;
        }

        if (message.Metadata.TryGetValue(CloudEventFields.TraceState, out var traceState))
        {
            cloudEvent[CloudEventFields.TraceState] = traceState;
        }

        return cloudEvent;
    }
}
