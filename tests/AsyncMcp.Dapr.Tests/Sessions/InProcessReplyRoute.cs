using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Sessions;

/// <summary>
/// A pub/sub reply route that hands what the server sends to the test instead of a sidecar: it refuses no address, and
/// every session's channel is the route itself. A test says what one send does.
/// </summary>
internal abstract class InProcessReplyRoute : IReplyRoute, IReplyChannel
{
    public string Scheme => ReplyAddress.PubSubScheme;

    public Task<string?> RefusalAsync(ReplyAddress address, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public IReplyChannel Open(ReplyAddress address, string? sessionId, Action<Exception> onFailed) => this;

    public Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken) =>
        SendAsync(eventId, cloudEvent, cancellationToken);

    public abstract Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
