using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>What a consumer group needs from the emulator: settings, log, the broker to dead-letter into, the settle event.</summary>
internal sealed record DeliveryContext(
    DaprEmulatorOptions Options,
    ILogger Logger,
    Action<PublishedMessage> Publish,
    Action<DeliveryOutcome> Settled,
    TimeProvider Time);
