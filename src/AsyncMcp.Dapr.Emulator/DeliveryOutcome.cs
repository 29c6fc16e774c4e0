namespace AsyncMcp.Dapr.Emulator;

/// <summary>
/// The final outcome of a message for one consumer group, raised by <see cref="DaprEmulator.MessageSettled"/>.
/// </summary>
/// <param name="PubSubName">The pub/sub component.</param>
/// <param name="Topic">The topic the message was delivered from.</param>
/// <param name="AppId">The consumer group: the app-id of the subscribing sidecars.</param>
/// <param name="CloudEventId">The CloudEvent id of the message, or null when the message was not a readable CloudEvent.</param>
/// <param name="Attempts">How many deliveries to the app were completed (redeliveries cut short by a stopped sidecar are not counted).</param>
/// <param name="Status">How it ended.</param>
/// <param name="DeadLetterTopic">The dead-letter topic it went to, when <paramref name="Status"/> is <see cref="DeliveryStatus.DeadLettered"/>.</param>
public sealed record DeliveryOutcome(
    string PubSubName,
    string Topic,
    string AppId,
    string? CloudEventId,
    int Attempts,
    DeliveryStatus Status,
    string? DeadLetterTopic);
