using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Client;

/// <summary>The subscription endpoint of MCP clients: replies, notifications and server-to-client requests.</summary>
internal sealed class PubSubReplyEndpoint(
    ReplyRouter router,
    McpEnvelopeCodec codec,
    IOptions<DaprPubSubClientOptions> options,
    McpDaprMetrics metrics,
    ILogger<PubSubReplyEndpoint> logger)
{
    private readonly DaprPubSubClientOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        var (status, topic) = await ProcessAsync(context.Request, context.RequestAborted);
        metrics.Delivered(topic ?? _options.EffectiveReplyTopic, _options.Route, status);
        await DeliveryResponse.WriteAsync(context, status);
    }

    private async Task<(DeliveryStatus Status, string? Topic)> ProcessAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = _options.MaxMessageBytes + WireLimits.DeliveryOverheadBytes;
        if (await DeliveryResponse.ReadBodyAsync(request, limit, cancellationToken) is not { } body)
        {
            // Unread, so neither its id nor its session is known.
            Log.DroppedUnreadableEvent(logger, limit);
            metrics.Dropped(DropReasons.TooLarge, _options.EffectiveReplyTopic);
            return (DeliveryStatus.Drop, null);
        }

        var decoded = codec.Decode(body, _options.MaxMessageBytes);
        var envelope = decoded.Envelope;
        var topic = envelope?.Topic;
        using var scope = envelope is not null ? Log.BeginMessageScope(logger, envelope) : null;
        if (decoded.Error != WireError.None || envelope!.Message is null)
        {
            // A message-less event (a session close) has no business on a reply topic.
            var error = decoded.Error == WireError.None ? WireError.MalformedCloudEvent : decoded.Error;
            Log.DroppedPoisonEvent(logger, envelope?.Id, envelope?.SessionId, envelope?.Source, error.ToString(), LogText.Escape(decoded.Detail ?? $"unexpected event type '{envelope?.Type}'"));
            metrics.Dropped(DropReasons.Of(error), topic ?? _options.EffectiveReplyTopic);
            return (DeliveryStatus.Drop, topic);
        }

        using var activity = Telemetry.StartProcess(envelope, _options.Route);
        Log.Received(logger, envelope.Id, envelope.SessionId, Telemetry.MethodOf(envelope), envelope.Source, topic ?? _options.EffectiveReplyTopic);
        return (await router.RouteAsync(envelope, cancellationToken), topic);
    }
}
