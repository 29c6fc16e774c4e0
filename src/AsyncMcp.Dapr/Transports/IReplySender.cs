using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Transports;

/// <summary>Delivers one encoded CloudEvent to a reply address of one kind (one <see cref="ReplyAddress.Scheme"/>).</summary>
internal interface IReplySender
{
    /// <summary>The reply address scheme this sender serves.</summary>
    string Scheme { get; }

    /// <summary>Makes one delivery attempt; throws when it fails.</summary>
    /// <param name="address">Where to deliver.</param>
    /// <param name="eventId">The CloudEvent id of <paramref name="cloudEvent"/>, stable across attempts.</param>
    /// <param name="cloudEvent">The encoded structured-mode CloudEvent.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken);
}
