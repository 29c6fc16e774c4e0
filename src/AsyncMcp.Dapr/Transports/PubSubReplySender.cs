using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Transports;

/// <summary>Publishes replies to a pub/sub topic through the sidecar.</summary>
internal sealed class PubSubReplySender(McpEventPublisher publisher) : IReplySender
{
    public string Scheme => ReplyAddress.PubSubScheme;

    public Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken) =>
        publisher.PublishAsync(address.Component, address.Target, cloudEvent, cancellationToken);
}
