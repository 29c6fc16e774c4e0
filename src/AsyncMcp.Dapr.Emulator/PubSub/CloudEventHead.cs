using System.Globalization;
using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// The attributes a sidecar reads from a CloudEvent before it delivers it: the id, the expiration and the trace context
/// (dapr/dapr pkg/runtime/subscription/subscription.go). Read in one pass over the event's top-level members, skipping
/// values such as <c>data</c> without building them, so a delivery costs no tree of the whole event.
/// </summary>
internal readonly record struct CloudEventHead(string? Id, string? Expiration, string? TraceParent, string? TraceId, string? TraceState)
{
    /// <summary>
    /// Reads the head of a CloudEvent; false when <paramref name="json"/> is not one JSON object (daprd's "error
    /// deserializing cloud event"). Attributes that are not strings count as absent; a repeated one, the last (as Go reads a map).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out CloudEventHead head)
    {
        head = default;
        string? id = null, expiration = null, traceParent = null, traceId = null, traceState = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var slot = reader.ValueTextEquals(CloudEventFields.Id) ? 1
                    : reader.ValueTextEquals(CloudEventFields.Expiration) ? 2
                    : reader.ValueTextEquals(CloudEventFields.TraceParent) ? 3
                    : reader.ValueTextEquals(CloudEventFields.TraceId) ? 4
                    : reader.ValueTextEquals(CloudEventFields.TraceState) ? 5
                    : 0;
                reader.Read();
                var value = slot != 0 && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                switch (slot)
                {
                    case 1: id = value; break;
                    case 2: expiration = value; break;
                    case 3: traceParent = value; break;
                    case 4: traceId = value; break;
                    case 5: traceState = value; break;
                }

                reader.Skip();
            }

            // The object must close the input: anything after it makes the event unreadable, as a full parse finds.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        head = new CloudEventHead(id, expiration, traceParent, traceId, traceState);
        return true;
    }

    /// <summary>Whether the event has expired (components-contrib pubsub/envelope.go HasExpired).</summary>
    public bool HasExpired(DateTimeOffset now) =>
        Expiration is { Length: > 0 } text &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration) &&
        expiration < now;
}
