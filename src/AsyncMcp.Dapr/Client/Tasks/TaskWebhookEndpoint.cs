using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Client.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Client.Tasks;

/// <summary>
/// The endpoint where a client receives task completion webhooks: each delivery is verified as a webhook reply is
/// (signature, timestamp, replay), and must carry a task status notification of an ended task; it is then handed to
/// <see cref="McpTaskWebhooks"/>. Answers 204, or the refusal's status (400, 401, 409, 413, 503).
/// </summary>
internal sealed class TaskWebhookEndpoint(SignedWebhookReader reader, McpTaskWebhooks webhooks, ILogger<TaskWebhookEndpoint> logger)
{
    /// <summary>The methods that carry a task in their params: 2025-11-25 and the 2026-07-28 tasks extension.</summary>
    private static readonly string[] Methods = ["notifications/tasks/status", "notifications/tasks"];

    public async Task HandleAsync(HttpContext context)
    {
        var delivery = await reader.ReadAsync(context.Request, context.RequestAborted);
        var verdict = delivery.Refusal ?? Accept(delivery.Envelope!.Id, delivery.Envelope.Message);
        SignedWebhookReader.Answer(context, verdict, logger);
    }

    private WebhookVerdict Accept(string id, JsonRpcMessage? message)
    {
        if (message is not JsonRpcNotification { Params: JsonObject task } notification || !Methods.Contains(notification.Method) ||
            task["taskId"] is not JsonValue)
        {
            return new(StatusCodes.Status400BadRequest, $"delivery '{id}' is not a task status notification", id);
        }

        McpTaskInfo info;
        try
        {
            info = McpTaskInfo.Parse(task);
        }
        catch (FormatException ex)
        {
            return new(StatusCodes.Status400BadRequest, $"delivery '{id}': {ex.Message}", id);
        }

        if (!info.IsTerminal)
        {
            return new(StatusCodes.Status400BadRequest, $"delivery '{id}' announces task '{info.TaskId}' as {info.Status}, not ended", id);
        }

        webhooks.Ended(info);
        return new(StatusCodes.Status204NoContent, null, id);
    }
}
