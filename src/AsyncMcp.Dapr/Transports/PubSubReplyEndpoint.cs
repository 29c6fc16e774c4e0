using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Transports;

/// <summary>The subscription endpoint of MCP clients: replies, notifications and server-to-client requests.</summary>
internal sealed class PubSubReplyEndpoint(
    ReplyRouter router,
    McpEnvelopeCodec codec,
    IOptions<DaprPubSubClientOptions> options,
    ILogger<PubSubReplyEndpoint> logger)
{
    private readonly DaprPubSubClientOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        var status = await ProcessAsync(context.Request, context.RequestAborted);
        Telemetry.Delivered(_options.Route, status.ToString());
        await DeliveryResponse.WriteAsync(context, status);
    }

    private async Task<DeliveryStatus> ProcessAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = _options.MaxMessageBytes + WireLimits.DeliveryOverheadBytes;
        if (await DeliveryResponse.ReadBodyAsync(request, limit, cancellationToken) is not { } body)
        {
            Log.DroppedUnreadableEvent(logger, limit);
            return DeliveryStatus.Drop;
        }

        var decoded = codec.Decode(body, _options.MaxMessageBytes);
        if (decoded.Error != WireError.None || decoded.Envelope!.Message is null)
        {
            Log.DroppedPoisonEvent(logger, decoded.Envelope?.Id, decoded.Envelope?.Source, decoded.Error.ToString(), decoded.Detail);
            return DeliveryStatus.Drop;
        }

        using var activity = Telemetry.StartProcess(decoded.Envelope, _options.Route);
        using var scope = Log.BeginMessageScope(logger, decoded.Envelope);
        return await router.RouteAsync(decoded.Envelope, cancellationToken);
    }
}
