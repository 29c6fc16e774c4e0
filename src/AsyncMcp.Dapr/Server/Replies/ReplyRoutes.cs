using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>The registered <see cref="IReplyRoute"/>s, by scheme: the one place that decides how a reply address is served.</summary>
internal sealed class ReplyRoutes(IEnumerable<IReplyRoute> routes, McpEnvelopeCodec codec)
{
    private readonly Dictionary<string, IReplyRoute> _byScheme = routes.ToDictionary(route => route.Scheme, StringComparer.Ordinal);

    /// <summary>Why this server may not send to <paramref name="address"/>, or <see langword="null"/> when it may.</summary>
    public Task<string?> RefusalAsync(ReplyAddress address, CancellationToken cancellationToken) =>
        _byScheme.TryGetValue(address.Scheme, out var route)
            ? route.RefusalAsync(address, cancellationToken)
            : Task.FromResult<string?>(NotServed(address));

    /// <summary>Opens the outgoing channel of a session (or lane) replying to <paramref name="address"/>.</summary>
    /// <exception cref="InvalidOperationException">No route serves the address's scheme.</exception>
    public IReplyChannel Open(ReplyAddress address, string? sessionId, Action<Exception> onFailed) =>
        For(address).Open(address, sessionId, onFailed);

    /// <summary>Makes one attempt to deliver <paramref name="envelope"/> to <paramref name="address"/>.</summary>
    /// <exception cref="InvalidOperationException">No route serves the address's scheme.</exception>
    public Task SendOnceAsync(ReplyAddress address, McpEnvelope envelope, CancellationToken cancellationToken) =>
        For(address).SendAsync(address, envelope.Id, codec.Encode(envelope), cancellationToken);

    private IReplyRoute For(ReplyAddress address) =>
        _byScheme.TryGetValue(address.Scheme, out var route) ? route : throw new InvalidOperationException(NotServed(address));

    private static string NotServed(ReplyAddress address) => address.IsBinding
        ? $"This server does not deliver replies by webhook (binding '{address.Component}' was named)."
        : $"This server does not deliver replies to '{address.Scheme}://' addresses.";
}
