using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>
/// One way of delivering a server's messages, chosen by the <see cref="ReplyAddress.Scheme"/> of the reply address
/// a client names. Routes are registered as an enumerable; <see cref="ReplyRoutes"/> picks the one for each address,
/// so that a new route (a new scheme) is added by registration alone.
/// </summary>
internal interface IReplyRoute
{
    /// <summary>The reply address scheme this route serves.</summary>
    string Scheme { get; }

    /// <summary>Why this server may not send to <paramref name="address"/>, or <see langword="null"/> when it may.</summary>
    /// <exception cref="Exception">The answer could not be found out now (transient): the message is retried.</exception>
    Task<string?> RefusalAsync(ReplyAddress address, CancellationToken cancellationToken);

    /// <summary>Opens the outgoing channel of one session (or sessionless lane).</summary>
    /// <param name="address">The session's reply address.</param>
    /// <param name="sessionId">The session id, for logs; <see langword="null"/> for a sessionless lane.</param>
    /// <param name="onFailed">Called once when a message cannot be delivered for good.</param>
    IReplyChannel Open(ReplyAddress address, string? sessionId, Action<Exception> onFailed);

    /// <summary>Makes one delivery attempt; throws when it fails.</summary>
    /// <param name="address">Where to deliver.</param>
    /// <param name="eventId">The CloudEvent id of <paramref name="cloudEvent"/>, stable across attempts.</param>
    /// <param name="cloudEvent">The encoded structured-mode CloudEvent.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken);
}
