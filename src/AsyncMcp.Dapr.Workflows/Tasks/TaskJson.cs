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

    /// <summary>
    /// The answers so far to outstanding input requests, with those of <paramref name="update"/> added: only keys that
    /// are outstanding and not yet answered count (SEP-2663: the others are ignored).
    /// </summary>
    public static JsonElement? Answers(JsonElement? requests, JsonElement? answered, JsonElement update)
    {
        if (requests is not { ValueKind: JsonValueKind.Object } outstanding || update.ValueKind != JsonValueKind.Object)
        {
            return answered;
        }

        var merged = ToNode(answered) as JsonObject ?? new JsonObject();
        foreach (var answer in update.EnumerateObject())
        {
            if (outstanding.TryGetProperty(answer.Name, out _) && !merged.ContainsKey(answer.Name))
            {
                merged[answer.Name] = ToNode(answer.Value);
            }
        }

        return ToElement(merged);
    }

    /// <summary>Whether every outstanding input request has its answer.</summary>
    public static bool AllAnswered(JsonElement? requests, JsonElement? answered) =>
        requests is { ValueKind: JsonValueKind.Object } outstanding &&
        answered is { ValueKind: JsonValueKind.Object } answers &&
        outstanding.EnumerateObject().All(request => answers.TryGetProperty(request.Name, out _));
}

/// <summary>The <c>CreateTaskResult</c> of 2025-11-25: the task under <c>task</c>.</summary>
internal sealed class ExperimentalCreateTaskResult : Result
{
    [JsonPropertyName("task")]
    public required JsonObject Task { get; init; }
}

/// <summary>The <c>CreateTaskResult</c> of SEP-2663: <c>resultType: "task"</c> and the task's fields inline.</summary>
internal sealed class ExtensionCreateTaskResult : Result
{
    [JsonPropertyName("taskId")]
    public required string TaskId { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("statusMessage")]
    public string? StatusMessage { get; init; }

    [JsonPropertyName("createdAt")]
    public required string CreatedAt { get; init; }

    [JsonPropertyName("lastUpdatedAt")]
    public required string LastUpdatedAt { get; init; }

    [JsonPropertyName("ttlMs")]
    public long? TtlMs { get; init; }

    [JsonPropertyName("pollIntervalMs")]
    public long? PollIntervalMs { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExperimentalCreateTaskResult))]
[JsonSerializable(typeof(ExtensionCreateTaskResult))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class TasksJsonContext : JsonSerializerContext;
