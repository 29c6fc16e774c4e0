using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Client.Webhooks;

/// <summary>
/// Reads one webhook delivery and proves it came from the server: Standard Webhooks signature with any active secret,
/// timestamp within tolerance, not a replay, then the CloudEvent decoded and its id matched to the signed
/// <c>webhook-id</c>. Every endpoint that takes signed deliveries (replies, task completions) reads through it.
/// </summary>
internal sealed class SignedWebhookReader(
    McpEnvelopeCodec codec,
    WebhookReceiverSecrets secrets,
    IOptions<DaprWebhookReceiverOptions> options,
    TimeProvider time)
{
    private readonly DaprWebhookReceiverOptions _options = options.Value;
    private readonly WebhookReplayGuard _replays = new(options.Value.ReplayCacheCapacity, options.Value.TimestampTolerance, time);

    /// <summary>The verified delivery, or the verdict refusing it.</summary>
    public async Task<SignedDelivery> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // The webhook-id is the CloudEvent id (the server signs with it), so even an unverified delivery is logged with it.
        var id = request.Headers[WebhookHeaders.Id].ToString();
        var messageId = string.IsNullOrEmpty(id) ? null : id;
        var limit = _options.MaxMessageBytes + WireLimits.DeliveryOverheadBytes;
        if (await DeliveryResponse.ReadBodyAsync(request, limit, cancellationToken) is not { } body)
        {
            return new(new(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {limit} bytes", messageId, DropReason: DropReasons.TooLarge));
        }

        WebhookSecrets active;
        try
        {
            active = await secrets.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(new(StatusCodes.Status503ServiceUnavailable, $"the webhook secrets cannot be read: {ex.Message}", messageId));
        }

        var timestamp = request.Headers[WebhookHeaders.Timestamp].ToString();
        var verification = WebhookSignature.Verify(
            active, id, timestamp, request.Headers[WebhookHeaders.Signature].ToString(), body.Span, time.GetUtcNow(), _options.TimestampTolerance);
        switch (verification)
        {
            case WebhookVerification.MissingHeaders or WebhookVerification.BadTimestamp:
                return new(new(StatusCodes.Status400BadRequest, $"delivery '{id}': {verification}", messageId, DropReason: DropReasons.WebhookUnverified));
            case WebhookVerification.StaleTimestamp or WebhookVerification.BadSignature:
                return new(new(StatusCodes.Status401Unauthorized, $"delivery '{id}': {verification}", messageId, DropReason: DropReasons.WebhookUnverified));
        }

        var seconds = long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture);
        if (!_replays.TryRecord(id, seconds))
        {
            return new(new(StatusCodes.Status409Conflict, $"delivery '{id}' at {timestamp} was already received: a replay", messageId, DropReason: DropReasons.WebhookReplay));
        }

        var decoded = codec.Decode(body, _options.MaxMessageBytes);
        var envelope = decoded.Envelope;
        if (decoded.Error != WireError.None || envelope!.Message is null)
        {
            var error = decoded.Error == WireError.None ? WireError.MalformedCloudEvent : decoded.Error;
            return new(new(StatusCodes.Status400BadRequest, $"delivery '{id}': {error}: {decoded.Detail}", messageId, envelope?.SessionId, DropReasons.Of(error)));
        }

        if (!string.Equals(envelope.Id, id, StringComparison.Ordinal))
        {
            return new(new(StatusCodes.Status400BadRequest, $"delivery '{id}' carries event '{envelope.Id}'", messageId, envelope.SessionId, DropReasons.WebhookUnverified));
        }

        return new(null, envelope, seconds);
    }

    /// <summary>Logs and counts a refused delivery, and answers with the verdict's status code.</summary>
    public static void Answer(HttpContext context, WebhookVerdict verdict, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (verdict.Reason is not null)
        {
            Log.WebhookRejected(logger, LogText.Escape(verdict.MessageId), LogText.Escape(verdict.SessionId), verdict.Status, LogText.Escape(verdict.Reason)!);
        }

        if (verdict.DropReason is not null)
        {
            Telemetry.Dropped(verdict.DropReason, null);
        }

        context.Response.StatusCode = verdict.Status;
    }

    /// <summary>Forgets a verified delivery that could not be handled now, so that its retry is not taken for a replay.</summary>
    public void Forget(SignedDelivery delivery)
    {
        if (delivery.Envelope is { } envelope)
        {
            _replays.Forget(envelope.Id, delivery.Timestamp);
        }
    }
}

/// <summary>A webhook delivery: refused (<see cref="Refusal"/>), or verified with its decoded CloudEvent.</summary>
/// <param name="Refusal">Why the delivery is refused, or <see langword="null"/> when it is verified.</param>
/// <param name="Envelope">The verified CloudEvent, with a message.</param>
/// <param name="Timestamp">The signed <c>webhook-timestamp</c>.</param>
internal readonly record struct SignedDelivery(WebhookVerdict? Refusal, McpEnvelope? Envelope = null, long Timestamp = 0);
