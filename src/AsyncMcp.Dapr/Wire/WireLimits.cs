namespace AsyncMcp.Dapr.Wire;

/// <summary>Size limits that are part of the wire contract.</summary>
public static class WireLimits
{
    /// <summary>
    /// The default maximum size in bytes of one encoded CloudEvent: 256 KiB, the cap of an Amazon SQS or SNS message.
    /// </summary>
    public const int DefaultMaxMessageBytes = 256 * 1024;

    /// <summary>
    /// Room left for the attributes the sidecar adds on delivery (topic, pubsubname, trace ids), when checking the
    /// size of a delivered event against the limit.
    /// </summary>
    internal const int DeliveryOverheadBytes = 2 * 1024;
}
