using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Transports;

/// <summary>Picks the <see cref="IReplySender"/> of a reply address by its scheme.</summary>
internal sealed class ReplySenders(IEnumerable<IReplySender> senders, McpEnvelopeCodec codec)
{
    private readonly Dictionary<string, IReplySender> _byScheme = senders.ToDictionary(sender => sender.Scheme, StringComparer.Ordinal);

    /// <summary>The codec shared by everything that writes envelopes.</summary>
    public McpEnvelopeCodec Codec => codec;

    /// <summary>The sender for <paramref name="address"/>.</summary>
    /// <exception cref="InvalidOperationException">This server does not send to that kind of address.</exception>
    public IReplySender For(ReplyAddress address) =>
        _byScheme.TryGetValue(address.Scheme, out var sender)
            ? sender
            : throw new InvalidOperationException($"This server does not deliver replies to '{address.Scheme}://' addresses.");

    /// <summary>Makes one attempt to deliver <paramref name="envelope"/> to <paramref name="address"/>.</summary>
    public Task SendOnceAsync(ReplyAddress address, McpEnvelope envelope, CancellationToken cancellationToken) =>
        For(address).SendAsync(address, envelope.Id, codec.Encode(envelope), cancellationToken);
}
