using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Transports.Webhooks;

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
    ILogger<WebhookReplyEndpoint> logger)
{
    private readonly DaprWebhookReceiverOptions _options = options.Value;
    private readonly WebhookReplayGuard _replays = new(options.Value.ReplayCacheCapacity, options.Value.TimestampTolerance, time);

    public async Task HandleAsync(HttpContext context)
    {
        var (status, reason) = await ProcessAsync(context.Request, context.RequestAborted);
        if (reason is not null)
        {
            Log.WebhookRejected(logger, status, reason);
        }

        context.Response.StatusCode = status;
    }

    private async Task<(int Status, string? Reason)> ProcessAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = _options.MaxMessageBytes + WireLimits.DeliveryOverheadBytes;
        if (await DeliveryResponse.ReadBodyAsync(request, limit, cancellationToken) is not { } body)
        {
            return (StatusCodes.Status413PayloadTooLarge, $"the body is larger than {limit} bytes");
        }

        WebhookSecrets active;
        try
        {
            active = await secrets.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (StatusCodes.Status503ServiceUnavailable, $"the webhook secrets cannot be read: {ex.Message}");
        }

        var id = request.Headers[WebhookHeaders.Id].ToString();
        var timestamp = request.Headers[WebhookHeaders.Timestamp].ToString();
        var verdict = WebhookSignature.Verify(
            active, id, timestamp, request.Headers[WebhookHeaders.Signature].ToString(), body.Span, time.GetUtcNow(), _options.TimestampTolerance);
        switch (verdict)
        {
            case WebhookVerification.MissingHeaders or WebhookVerification.BadTimestamp:
                return (StatusCodes.Status400BadRequest, $"delivery '{id}': {verdict}");
            case WebhookVerification.StaleTimestamp or WebhookVerification.BadSignature:
                return (StatusCodes.Status401Unauthorized, $"delivery '{id}': {verdict}");
        }

        var seconds = long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture);
        if (!_replays.TryRecord(id, seconds))
        {
            return (StatusCodes.Status409Conflict, $"delivery '{id}' at {timestamp} was already received: a replay");
        }

        var decoded = codec.Decode(body, _options.MaxMessageBytes);
        if (decoded.Error != WireError.None || decoded.Envelope!.Message is null)
        {
            return (StatusCodes.Status400BadRequest, $"delivery '{id}': {decoded.Error}: {decoded.Detail}");
        }

        if (!string.Equals(decoded.Envelope.Id, id, StringComparison.Ordinal))
        {
            return (StatusCodes.Status400BadRequest, $"delivery '{id}' carries event '{decoded.Envelope.Id}'");
        }

        switch (await router.RouteAsync(decoded.Envelope, cancellationToken))
        {
            case DeliveryStatus.Success:
                return (StatusCodes.Status204NoContent, null);
            case DeliveryStatus.Retry:
                _replays.Forget(id, seconds);
                return (StatusCodes.Status503ServiceUnavailable, null);
            default:
                return (StatusCodes.Status404NotFound, null);
        }
    }
}
