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
    McpEnvelopeCodec codec,
    WebhookReceiverSecrets secrets,
    IOptions<DaprWebhookReceiverOptions> options,
    TimeProvider time,
    McpDaprMetrics metrics,
    ILogger<WebhookReplyEndpoint> logger)
{
    private readonly DaprWebhookReceiverOptions _options = options.Value;
    private readonly WebhookReplayGuard _replays = new(options.Value.ReplayCacheCapacity, options.Value.TimestampTolerance, time);

    public async Task HandleAsync(HttpContext context)
    {
        var verdict = await ProcessAsync(context.Request, context.RequestAborted);
        if (verdict.Reason is not null)
        {
            Log.WebhookRejected(logger, LogText.Escape(verdict.MessageId), LogText.Escape(verdict.SessionId), verdict.Status, LogText.Escape(verdict.Reason)!);
        }

        if (verdict.DropReason is not null)
        {
            metrics.Dropped(verdict.DropReason, null);
        }

        context.Response.StatusCode = verdict.Status;
    }

    private async Task<WebhookVerdict> ProcessAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // The webhook-id is the CloudEvent id (the server signs with it), so even an unverified delivery is logged with it.
        var id = request.Headers[WebhookHeaders.Id].ToString();
        var messageId = string.IsNullOrEmpty(id) ? null : id;
        var limit = _options.MaxMessageBytes + WireLimits.DeliveryOverheadBytes;
        if (await DeliveryResponse.ReadBodyAsync(request, limit, cancellationToken) is not { } body)
        {
            return new(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {limit} bytes", messageId, DropReason: DropReasons.TooLarge);
        }

        WebhookSecrets active;
        try
        {
            active = await secrets.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(StatusCodes.Status503ServiceUnavailable, $"the webhook secrets cannot be read: {ex.Message}", messageId);
        }

        var timestamp = request.Headers[WebhookHeaders.Timestamp].ToString();
        var verification = WebhookSignature.Verify(
            active, id, timestamp, request.Headers[WebhookHeaders.Signature].ToString(), body.Span, time.GetUtcNow(), _options.TimestampTolerance);
        switch (verification)
        {
            case WebhookVerification.MissingHeaders or WebhookVerification.BadTimestamp:
                return new(StatusCodes.Status400BadRequest, $"delivery '{id}': {verification}", messageId, DropReason: DropReasons.WebhookUnverified);
            case WebhookVerification.StaleTimestamp or WebhookVerification.BadSignature:
                return new(StatusCodes.Status401Unauthorized, $"delivery '{id}': {verification}", messageId, DropReason: DropReasons.WebhookUnverified);
        }

        var seconds = long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture);
        if (!_replays.TryRecord(id, seconds))
        {
            return new(StatusCodes.Status409Conflict, $"delivery '{id}' at {timestamp} was already received: a replay", messageId, DropReason: DropReasons.WebhookReplay);
        }

        var decoded = codec.Decode(body, _options.MaxMessageBytes);
        var envelope = decoded.Envelope;
        if (decoded.Error != WireError.None || envelope!.Message is null)
        {
            var error = decoded.Error == WireError.None ? WireError.MalformedCloudEvent : decoded.Error;
            return new(StatusCodes.Status400BadRequest, $"delivery '{id}': {error}: {decoded.Detail}", messageId, envelope?.SessionId, DropReasons.Of(error));
        }

        if (!string.Equals(envelope.Id, id, StringComparison.Ordinal))
        {
            return new(StatusCodes.Status400BadRequest, $"delivery '{id}' carries event '{envelope.Id}'", messageId, envelope.SessionId, DropReasons.WebhookUnverified);
        }

        using var scope = Log.BeginMessageScope(logger, envelope);
        Log.Received(logger, envelope.Id, envelope.SessionId, Telemetry.MethodOf(envelope), envelope.Source, _options.Route);
        switch (await router.RouteAsync(envelope, cancellationToken))
        {
            case DeliveryStatus.Success:
                return new(StatusCodes.Status204NoContent, null, messageId, envelope.SessionId);
            case DeliveryStatus.Retry:
                _replays.Forget(id, seconds);
                return new(StatusCodes.Status503ServiceUnavailable, null, messageId, envelope.SessionId);
            default:
                // The router counted the drop (no such connection here).
                return new(StatusCodes.Status404NotFound, null, messageId, envelope.SessionId);
        }
    }
}
