using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>The two wire shapes of MCP tasks.</summary>
internal enum TaskGeneration
{
    /// <summary>The experimental tasks of 2025-11-25: <c>params.task</c>, <c>CreateTaskResult.task</c>, <c>tasks/result</c>.</summary>
    Experimental,

    /// <summary>The 2026-07-28 extension <c>io.modelcontextprotocol/tasks</c> (SEP-2663): <c>resultType: "task"</c>, <c>tasks/update</c>.</summary>
    Extension,
}

/// <summary>Names and shapes of both task protocols, and how a request tells which one it speaks.</summary>
internal static class TaskProtocol
{
    public const string ExtensionId = "io.modelcontextprotocol/tasks";
    public const string RelatedTaskKey = "io.modelcontextprotocol/related-task";
    public const string ClientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
    public const string ModelImmediateResponseKey = "io.modelcontextprotocol/model-immediate-response";
    public const string Get = "tasks/get";
    public const string Result = "tasks/result";
    public const string List = "tasks/list";
    public const string Cancel = "tasks/cancel";
    public const string Update = "tasks/update";
    public const string StatusNotification = "notifications/tasks/status";
    public const string ExtensionNotification = "notifications/tasks";

    /// <summary>The first protocol revision whose tasks are the SEP-2663 extension.</summary>
    public const string ExtensionProtocolVersion = "2026-07-28";

    /// <summary>The generation a request speaks: its own protocol version (2026-07-28) or its session's (2025-11-25).</summary>
    public static TaskGeneration GenerationOf(JsonRpcRequest request, string? negotiatedVersion)
    {
        var version = request.Context?.ProtocolVersion ?? ProtocolVersionInMeta(request.Params) ?? negotiatedVersion;

        // Protocol versions are dates, so ordinal order is time order.
        return version is not null && string.CompareOrdinal(version, ExtensionProtocolVersion) >= 0
            ? TaskGeneration.Extension
            : TaskGeneration.Experimental;
    }

    /// <summary>Whether the request declares the tasks extension in its per-request client capabilities.</summary>
    public static bool DeclaresExtension(JsonRpcRequest request)
    {
        if (request.Context?.ClientCapabilities?.Extensions is { } extensions && extensions.ContainsKey(ExtensionId))
        {
            return true;
        }

        return request.Params is JsonObject parameters &&
            parameters["_meta"] is JsonObject meta &&
            meta[ClientCapabilitiesKey] is JsonObject capabilities &&
            capabilities["extensions"] is JsonObject declared &&
            declared.ContainsKey(ExtensionId);
    }

    /// <summary>The <c>_meta</c> that ties a message to a task.</summary>
    public static JsonObject RelatedTask(string taskId) => new() { ["taskId"] = taskId };

    /// <summary>A JSON-RPC error object.</summary>
    public static JsonObject Error(int code, string message) => new() { ["code"] = code, ["message"] = message };

    private static string? ProtocolVersionInMeta(JsonNode? parameters) =>
        parameters is JsonObject { } p && p["_meta"] is JsonObject meta &&
        meta["io.modelcontextprotocol/protocolVersion"] is JsonValue value && value.TryGetValue<string>(out var version)
            ? version
            : null;
}
