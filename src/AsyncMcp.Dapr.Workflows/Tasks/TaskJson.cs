using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>JSON helpers of the task protocols.</summary>
internal static class TaskJson
{
    /// <summary>An ISO 8601 UTC timestamp with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonElement ErrorElement(int code, string message) => ToElement(TaskProtocol.Error(code, message));

    public static JsonElement ToElement(JsonNode node) =>
        JsonSerializer.SerializeToElement(node, TasksJsonContext.Default.JsonNode);

    public static JsonNode? ToNode(JsonElement? element) =>
        element is { } value ? JsonSerializer.SerializeToNode(value, TasksJsonContext.Default.JsonElement) : null;
}

/// <summary>
/// A result whose fields are built as JSON: the <c>CreateTaskResult</c> of either generation, handed to the SDK as the
/// alternate result of <c>tools/call</c>.
/// </summary>
internal sealed class TaskCreatedResult : Result
{
    /// <summary>The result's own fields, written beside <c>_meta</c> and <c>resultType</c>.</summary>
    [JsonExtensionData]
    public JsonObject? Fields { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TaskCreatedResult))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class TasksJsonContext : JsonSerializerContext;
