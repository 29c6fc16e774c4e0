using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator;

/// <summary>
/// Settings of a <see cref="DaprEmulator"/>: retry policy of subscriptions, delivery concurrency, recording and logging.
/// </summary>
public sealed class DaprEmulatorOptions
{
    /// <summary>
    /// How many times a message is offered to an app (first try included) before it goes to the
    /// subscription's dead-letter topic, or is discarded when there is none. Default 3.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 3;

    /// <summary>
    /// The wait before the first retry of a delivery; each further retry waits twice as long. Default 50 ms.
    /// </summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The most deliveries one sidecar has in flight to its app at once. Default 100.
    /// </summary>
    public int MaxConcurrentDeliveriesPerSidecar { get; set; } = 100;

    /// <summary>
    /// Whether every published message is kept for <see cref="DaprEmulator.Published"/>. Default true; turn it off for
    /// long or heavy runs such as benchmarks, where the log would grow without bound (daprd keeps nothing).
    /// </summary>
    public bool RecordPublished { get; set; } = true;

    /// <summary>
    /// Where the emulator writes what it does (one line per delivery outcome). Null: no logging.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
