using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Client.Webhooks;

/// <summary>
/// The endpoint where an MCP client receives replies by webhook. Every delivery is verified (Standard Webhooks
/// signature with any active secret, timestamp within tolerance, not a replay) before its CloudEvent is decoded and
/// handed to the client connection it names; nothing unverified reaches an <c>McpClient</c>.
/// </summary>
/// <remarks>
/// Answers: 204 delivered (or a retried delivery already handled); 400 missing or malformed headers or event;
/// 401 bad signature or stale timestamp; 404 no such connection here; 409 replay; 413 too large; 503 try again.
/// </remarks>
internal sealed class WebhookReplyEndpoint(
    ReplyRouter router,
    SignedWebhookReader reader,
    IOptions<DaprWebhookReceiverOptions> options,
    ILogger<WebhookReplyEndpoint> logger)
{
    private readonly DaprWebhookReceiverOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        var verdict = await ProcessAsync(context.Request, context.RequestAborted);
        SignedWebhookReader.Answer(context, verdict, logger);
    }

    private async Task<WebhookVerdict> ProcessAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var delivery = await reader.ReadAsync(request, cancellationToken);
        if (delivery.Refusal is { } refusal)
        {
            return refusal;
        }

        var envelope = delivery.Envelope!;
        var messageId = envelope.Id;
        using var scope = Log.BeginMessageScope(logger, envelope);
        Log.Received(logger, envelope.Id, envelope.SessionId, Telemetry.MethodOf(envelope), envelope.Source, _options.Route);
        switch (await router.RouteAsync(envelope, cancellationToken))
        {
            case DeliveryStatus.Success:
                return new(StatusCodes.Status204NoContent, null, messageId, envelope.SessionId);
            case DeliveryStatus.Retry:
                reader.Forget(delivery);
                return new(StatusCodes.Status503ServiceUnavailable, null, messageId, envelope.SessionId);
            default:
                // The router counted the drop (no such connection here).
                return new(StatusCodes.Status404NotFound, null, messageId, envelope.SessionId);
        }
    }
}
