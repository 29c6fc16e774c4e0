using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Transports;

/// <summary>
/// Sends each message at once and lets a failure reach the caller (the <c>McpServer</c>). Used for pub/sub, where
/// the broker, not this process, absorbs a slow or absent receiver.
/// </summary>
internal sealed class DirectReplyChannel(IReplySender sender, ReplyAddress address) : IReplyChannel
{
    public Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken) =>
        sender.SendAsync(address, eventId, cloudEvent, cancellationToken);

    public ValueTask DisposeAsync() => default;
}
