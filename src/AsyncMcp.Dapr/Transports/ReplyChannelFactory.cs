using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Transports.Webhooks;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Transports;

/// <summary>
/// Opens the outgoing channel of a server session by the scheme of its reply address: pub/sub messages are
/// published directly (the broker buffers them); webhook messages go through a queue of their own per session.
/// </summary>
internal sealed class ReplyChannelFactory(
    ReplySenders senders,
    IOptions<DaprWebhookReplyOptions> webhookOptions,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IServiceProvider services)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<QueuedReplyChannel>();

    /// <summary>Opens the channel for <paramref name="address"/>.</summary>
    /// <param name="address">The session's reply address.</param>
    /// <param name="sessionId">The session id, for logs; <see langword="null"/> for a sessionless lane.</param>
    /// <param name="onFailed">Called once when a message cannot be delivered for good.</param>
    public IReplyChannel Open(ReplyAddress address, string? sessionId, Action<Exception> onFailed)
    {
        var sender = senders.For(address);
        return address.IsBinding
            ? new QueuedReplyChannel(sender, address, sessionId, webhookOptions.Value, services.GetRequiredService<WebhookDeliveryMetrics>(), time, _logger, onFailed)
            : new DirectReplyChannel(sender, address);
    }
}
