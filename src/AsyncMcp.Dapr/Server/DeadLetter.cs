using System.Text.Json;

namespace AsyncMcp.Dapr.Server;

/// <summary>
/// What can be read of one event from the dead-letter topic. daprd forwards a dropped event to the dead-letter topic
/// byte for byte; with a <c>rawPayload</c> subscription it arrives wrapped in a new CloudEvent as <c>data_base64</c>,
/// without one it arrives as itself. Either way its own CloudEvent attributes still say which message it was, from
/// which app, of which session, and (<c>topic</c>) where it was first published.
/// </summary>
/// <param name="MessageId">The dead event's CloudEvent id.</param>
/// <param name="SessionId">Its <c>mcpsessionid</c>, if any.</param>
/// <param name="Source">Its publisher's app-id.</param>
/// <param name="Type">Its CloudEvent type.</param>
/// <param name="Topic">The topic it was published to before it was dead-lettered.</param>
internal sealed record DeadLetter(string? MessageId, string? SessionId, string? Source, string? Type, string? Topic)
{
    /// <summary>Reads a delivered dead letter; <see langword="null"/> when the dead event is not a JSON object.</summary>
    /// <param name="delivered">The body the sidecar delivered.</param>
    /// <param name="size">The size of the dead event itself.</param>
    public static DeadLetter? Read(ReadOnlyMemory<byte> delivered, out int size)
    {
        size = delivered.Length;
        var original = delivered;
        try
        {
            using (var wrapper = JsonDocument.Parse(delivered))
            {
                if (wrapper.RootElement.ValueKind == JsonValueKind.Object &&
                    wrapper.RootElement.TryGetProperty("data_base64", out var data) && data.ValueKind == JsonValueKind.String)
                {
                    original = data.GetBytesFromBase64();
                    size = original.Length;
                }
            }

            using var dead = JsonDocument.Parse(original);
            var root = dead.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? new DeadLetter(Text(root, "id"), Text(root, Wire.McpCloudEventAttributes.SessionId), Text(root, "source"), Text(root, "type"), Text(root, "topic"))
                : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
