using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Server;

/// <summary>
/// Reads the server's dead-letter topic so that an operator sees each dead letter: counted as
/// <c>asyncmcp.messages.dead_lettered</c> (by the topic it was first published to) and logged with its message id,
/// session and publisher. Every dead letter is acknowledged: it has been seen, and nothing here can repair it.
/// </summary>
internal sealed class DeadLetterEndpoint(IOptions<DaprPubSubServerOptions> options, McpDaprMetrics metrics, ILogger<DeadLetterEndpoint> logger)
{
    private readonly DaprPubSubServerOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        // A dead letter may be an oversized request (read up to four times the limit), base64-encoded by the sidecar.
        var limit = (_options.MaxMessageBytes + WireLimits.DeliveryOverheadBytes) * 8;
        var deadLetterTopic = _options.DeadLetterTopic ?? "(none)";
        if (await DeliveryResponse.ReadBodyAsync(context.Request, limit, context.RequestAborted) is not { } body)
        {
            Log.OversizedDeadLetter(logger, deadLetterTopic, limit);
            metrics.DeadLettered(null);
        }
        else if (DeadLetter.Read(body, out var size) is { } letter)
        {
            using var scope = letter.MessageId is { } id ? Log.BeginMessageScope(logger, LogText.Escape(id)!, LogText.Escape(letter.SessionId)) : null;
            Log.DeadLetter(logger, LogText.Escape(letter.MessageId), LogText.Escape(letter.SessionId), LogText.Escape(letter.Source), LogText.Escape(letter.Type), LogText.Escape(letter.Topic), size);
            metrics.DeadLettered(letter.Topic);
        }
        else
        {
            Log.UnreadableDeadLetter(logger, deadLetterTopic, size);
            metrics.DeadLettered(null);
        }

        await DeliveryResponse.WriteAsync(context, DeliveryStatus.Success);
    }
}
