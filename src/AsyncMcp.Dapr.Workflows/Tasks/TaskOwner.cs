using AsyncMcp.Dapr.Diagnostics;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// Who a task belongs to. Over Dapr, the Dapr app-id that sent the request (the CloudEvent <c>source</c>, set by the
/// sender's sidecar), so that any of that app's sessions, on any replica, sees its tasks and no other app does. Over
/// Streamable HTTP, the authenticated user, else the MCP session, else one shared anonymous owner.
/// </summary>
internal static class TaskOwner
{
    public static string Of(JsonRpcRequest request, string? sessionId)
    {
        if (McpDaprTelemetry.SenderAppIdOf(request) is { } appId)
        {
            return OfApp(appId);
        }

        if (request.Context?.User?.Identity is { IsAuthenticated: true, Name: { } user })
        {
            return "user:" + user;
        }

        return sessionId is null ? "anonymous" : "session:" + sessionId;
    }

    /// <summary>The owner of what a Dapr app (a CloudEvent <c>source</c>) creates.</summary>
    public static string OfApp(string appId) => "app:" + appId;
}
