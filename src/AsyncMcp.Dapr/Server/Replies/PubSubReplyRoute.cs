using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>
/// Replies published to a pub/sub topic through the sidecar. The component's <c>publishingScopes</c> limit where this
/// app may publish, so no address is refused here; each session's messages go out directly (the broker buffers them).
/// </summary>
internal sealed class PubSubReplyRoute(McpEventPublisher publisher) : IReplyRoute
{
    public string Scheme => ReplyAddress.PubSubScheme;

    public Task<string?> RefusalAsync(ReplyAddress address, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public IReplyChannel Open(ReplyAddress address, string? sessionId, Action<Exception> onFailed) => new DirectReplyChannel(this, address);

    public Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken) =>
        publisher.PublishAsync(address.Component, address.Target, cloudEvent, cancellationToken);
}
