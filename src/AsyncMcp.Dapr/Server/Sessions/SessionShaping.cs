using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// Which messages of a session change its state, kept in order so that a server rebuilt elsewhere reaches the same
/// state by replaying them: initialize (first), notifications/initialized, the last logging/setLevel, and the
/// resources/subscribe not undone by an unsubscribe. Durable hosts keep this list in their record.
/// </summary>
internal static class SessionShaping
{
    // logging/setLevel is obsolete in 2026-07-28 but part of the 2025-11-25 sessions the durable hosts serve.
#pragma warning disable MCP9005
    /// <summary>Updates <paramref name="replay"/> with <paramref name="message"/> (its JSON text is <paramref name="text"/>).</summary>
    public static void Shape(List<string> replay, JsonRpcMessage message, string text)
    {
        switch (message)
        {
            case JsonRpcNotification { Method: NotificationMethods.InitializedNotification }:
                replay.Add(text);
                break;
            case JsonRpcRequest { Method: RequestMethods.LoggingSetLevel }:
                replay.RemoveAll(m => SessionMessages.Read(m) is JsonRpcRequest { Method: RequestMethods.LoggingSetLevel });
                replay.Add(text);
                break;
            case JsonRpcRequest { Method: RequestMethods.ResourcesSubscribe }:
                replay.Add(text);
                break;
            case JsonRpcRequest { Method: RequestMethods.ResourcesUnsubscribe } unsubscribe:
                var uri = SessionMessages.Parameter(unsubscribe, "uri");
                replay.RemoveAll(m => SessionMessages.Read(m) is JsonRpcRequest { Method: RequestMethods.ResourcesSubscribe } s
                    && SessionMessages.Parameter(s, "uri") == uri);
                break;
        }
    }
#pragma warning restore MCP9005

    /// <summary>The error that answers a request whose replica stopped before it answered, when it is not run again (-32015).</summary>
    public static JsonRpcError Interrupted(InFlightRequest request) => new()
    {
        Id = SessionMessages.ParseId(request.Id),
        Error = new JsonRpcErrorDetail
        {
            Code = Wire.McpWireErrorCodes.RequestInterrupted,
            Message = $"The server replica that was running '{request.Method}' stopped before it answered. The request was not run again; send it again if it is safe to.",
        },
    };
}
