namespace AsyncMcp.Dapr.Emulator;

/// <summary>
/// One message as it was put on a topic of the emulated broker.
/// </summary>
/// <param name="PubSubName">The pub/sub component the message was published on.</param>
/// <param name="Topic">The topic (a dead-letter topic included).</param>
/// <param name="Body">The bytes on the broker: for messages published through a sidecar, the CloudEvent JSON the sidecar built.</param>
/// <param name="ContentType">The content type of <paramref name="Body"/>.</param>
/// <param name="Metadata">The metadata that came with the publish request.</param>
public sealed record PublishedMessage(
    string PubSubName,
    string Topic,
    ReadOnlyMemory<byte> Body,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata);
