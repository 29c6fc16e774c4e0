namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>Content-type tests as components-contrib contenttype/contenttype.go makes them.</summary>
internal static class ContentTypes
{
    public const string CloudEventJson = "application/cloudevents+json";

    public static bool IsCloudEvent(string? contentType) => Is(contentType, CloudEventJson);

    public static bool IsJson(string? contentType) => Is(contentType, "application/json");

    public static bool IsBinary(string? contentType) => Is(contentType, "application/octet-stream");

    public static bool IsXml(string? contentType) => Is(contentType, "application/xml");

    /// <summary>Equal to <paramref name="expected"/>, ignoring case and any parameters after ';'.</summary>
    private static bool Is(string? contentType, string expected)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = semicolon >= 0 ? contentType[..semicolon] : contentType;
        return string.Equals(media.Trim(), expected, StringComparison.OrdinalIgnoreCase);
    }
}
