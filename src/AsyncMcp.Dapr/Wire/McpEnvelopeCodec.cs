using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Encodes and decodes <see cref="McpEnvelope"/>s as CloudEvents 1.0 in structured JSON mode, with the CNCF
/// CloudEvents SDK doing the CloudEvents part and the MCP SDK the JSON-RPC part.
/// </summary>
internal sealed class McpEnvelopeCodec
{
    /// <summary>The content type of a structured-mode CloudEvent in JSON.</summary>
    public const string CloudEventContentType = "application/cloudevents+json";

    private static readonly CloudEventAttribute SessionIdAttribute =
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.SessionId, CloudEventAttributeType.String);

    private static readonly CloudEventAttribute ReplyToAttribute =
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.ReplyTo, CloudEventAttributeType.String);

    private static readonly CloudEventAttribute ConnectionAttribute =
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.Connection, CloudEventAttributeType.String);

    private static readonly CloudEventAttribute TraceParentAttribute =
        CloudEventAttribute.CreateExtension(McpCloudEventAttributes.TraceParent, CloudEventAttributeType.String);

    // Set by daprd on every delivered event; read for metrics only.
    private const string DaprTopicAttribute = "topic";

    private static readonly CloudEventAttribute[] ExtensionAttributes =
        [SessionIdAttribute, ReplyToAttribute, ConnectionAttribute, TraceParentAttribute];

    private static readonly ContentType CloudEventJson = new(CloudEventContentType);

    private readonly JsonEventFormatter _formatter = new(McpJsonUtilities.DefaultOptions, default);

    /// <summary>Encodes an envelope as the UTF-8 bytes of a structured-mode CloudEvent.</summary>
    public ReadOnlyMemory<byte> Encode(McpEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0, ExtensionAttributes)
        {
            Id = envelope.Id,
            Source = new Uri(envelope.Source, UriKind.RelativeOrAbsolute),
            Type = envelope.Type,
            Time = DateTimeOffset.UtcNow,
        };

        if (envelope.Message is not null)
        {
            cloudEvent.DataContentType = MediaTypeNames.Application.Json;
            // The formatter serializes the message straight into the event with the MCP SDK's options.
            cloudEvent.Data = envelope.Message;
        }

        SetIfPresent(cloudEvent, SessionIdAttribute, envelope.SessionId);
        SetIfPresent(cloudEvent, ReplyToAttribute, envelope.ReplyTo?.ToString());
        SetIfPresent(cloudEvent, ConnectionAttribute, envelope.Connection);
        SetIfPresent(cloudEvent, TraceParentAttribute, envelope.TraceParent);
        return _formatter.EncodeStructuredModeMessage(cloudEvent, out _);
    }

    /// <summary>Decodes a delivered structured-mode CloudEvent; never throws for bad input.</summary>
    /// <param name="body">The event as delivered by the sidecar.</param>
    /// <param name="maxMessageBytes">The wire limit; larger events are refused (after reading their attributes).</param>
    public DecodeResult Decode(ReadOnlyMemory<byte> body, int maxMessageBytes)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = _formatter.DecodeStructuredModeMessage(body, CloudEventJson, ExtensionAttributes);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            return DecodeResult.Fail(WireError.MalformedCloudEvent, ex.Message);
        }

        var id = cloudEvent.Id!;
        var source = cloudEvent.Source!.OriginalString;
        var replyText = cloudEvent[ReplyToAttribute] as string;
        _ = ReplyAddress.TryParse(replyText, out var replyTo);
        var partial = new McpEnvelope
        {
            Id = id,
            Source = source,
            Type = cloudEvent.Type!,
            SessionId = cloudEvent[SessionIdAttribute] as string,
            ReplyTo = replyTo,
            Connection = cloudEvent[ConnectionAttribute] as string,
            TraceParent = cloudEvent[TraceParentAttribute] as string,
            Topic = cloudEvent[DaprTopicAttribute] as string,
        };

        if (body.Length > maxMessageBytes + WireLimits.DeliveryOverheadBytes)
        {
            return DecodeResult.Fail(WireError.TooLarge, $"The event is {body.Length} bytes; the limit is {maxMessageBytes}.", partial);
        }

        if (replyText is not null && replyTo is null)
        {
            return DecodeResult.Fail(WireError.MissingAttribute, $"'{replyText}' is not a valid {McpCloudEventAttributes.ReplyTo}.", partial);
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

        if (cloudEvent.Data is not JsonElement data || data.ValueKind != JsonValueKind.Object)
        {
            return DecodeResult.Fail(WireError.MalformedJsonRpc, "The event data is not a JSON object.", partial);
        }

        JsonRpcMessage? message;
        try
        {
            message = data.Deserialize(McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage))) as JsonRpcMessage;
        }
        catch (JsonException ex)
        {
            return DecodeResult.Fail(WireError.MalformedJsonRpc, ex.Message, partial);
        }

        if (message is null)
        {
            return DecodeResult.Fail(WireError.MalformedJsonRpc, "The event data is not a JSON-RPC message.", partial);
        }

        return DecodeResult.Ok(partial with { Message = message });
    }

    private static void SetIfPresent(CloudEvent cloudEvent, CloudEventAttribute attribute, string? value)
    {
        if (value is not null)
        {
            cloudEvent[attribute] = value;
        }
    }
}
