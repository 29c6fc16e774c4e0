using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>
/// Sends each message at once and lets a failure reach the caller (the <c>McpServer</c>). Used for pub/sub, where
/// the broker, not this process, absorbs a slow or absent receiver. Sends of one session go out one at a time, in
/// the order the server makes them, so that an ordered topic (SNS/SQS FIFO) keeps a session's messages in order.
/// </summary>
internal sealed class DirectReplyChannel(IReplyRoute route, ReplyAddress address) : IReplyChannel
{
    private readonly SemaphoreSlim _order = new(1, 1);

    public async Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        await _order.WaitAsync(cancellationToken);
        try
        {
            await route.SendAsync(address, eventId, cloudEvent, cancellationToken);
        }
        finally
        {
            _order.Release();
        }
    }

    // The semaphore is not disposed: a send still in flight when the session ends must finish (and release it) as a
    // send, not fail with ObjectDisposedException after its message was published. It holds no wait handle to free.
    public ValueTask DisposeAsync() => default;
}
