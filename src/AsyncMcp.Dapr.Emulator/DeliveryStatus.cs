namespace AsyncMcp.Dapr.Emulator;

/// <summary>
/// How the delivery of one message to one consumer group (app-id) ended.
/// </summary>
public enum DeliveryStatus
{
    /// <summary>The app acknowledged the message (2xx, status SUCCESS or none).</summary>
    Success,

    /// <summary>The app dropped the message (status DROP or HTTP 404), and the subscription has no dead-letter topic.</summary>
    Drop,

    /// <summary>The message was published to the subscription's dead-letter topic.</summary>
    DeadLettered,

    /// <summary>Retries ran out (or the message could not be read) and there is no dead-letter topic: the message is gone.</summary>
    Discarded,
}
