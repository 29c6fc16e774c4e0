using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>Reads and writes JSON-RPC messages as the text kept in session state.</summary>
internal static class SessionMessages
{
    public static string Write(JsonRpcMessage message) =>
        JsonSerializer.Serialize(message, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage)));

    public static JsonRpcMessage Read(string json) =>
        (JsonRpcMessage)(JsonSerializer.Deserialize(json, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage)))
            ?? throw new JsonException("The message is null."));

    public static string Id(RequestId id) => JsonSerializer.Serialize(id, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(RequestId)));

    public static RequestId ParseId(string json) =>
        (RequestId)JsonSerializer.Deserialize(json, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(RequestId)))!;

    /// <summary>The <c>name</c> of a tools/call request.</summary>
    public static string? ToolName(JsonRpcRequest request) =>
        request.Params is JsonObject parameters && parameters["name"] is JsonValue name && name.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The id (as JSON text) of the request a <c>notifications/cancelled</c> cancels; null for any other message.</summary>
    public static string? CancelledId(JsonRpcMessage message) =>
        message is JsonRpcNotification { Method: NotificationMethods.CancelledNotification, Params: JsonObject cancelled } &&
        cancelled["requestId"] is { } id ? id.ToJsonString() : null;

    /// <summary>A string parameter of a request.</summary>
    public static string? Parameter(JsonRpcRequest request, string name) =>
        request.Params is JsonObject parameters && parameters[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
