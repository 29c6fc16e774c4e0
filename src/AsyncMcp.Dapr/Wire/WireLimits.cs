namespace AsyncMcp.Dapr.Wire;

/// <summary>Size limits that are part of the wire contract.</summary>
public static class WireLimits
{
    /// <summary>
    /// The default maximum size in bytes of one encoded CloudEvent as published: 254 KiB, so that with the attributes
    /// the sidecar adds (<see cref="DeliveryOverheadBytes"/>) it stays within 256 KiB, the cap of an Amazon SQS or SNS message.
    /// </summary>
    public const int DefaultMaxMessageBytes = (256 * 1024) - DeliveryOverheadBytes;

    /// <summary>
    /// Room for the attributes the sidecar adds when it publishes (topic, pubsubname, trace ids): a delivered event
    /// may be this much larger than the limit it was published under.
    /// </summary>
    public const int DeliveryOverheadBytes = 2 * 1024;

    /// <summary>The longest CloudEvent <c>id</c>, <c>source</c> or <c>type</c> accepted, in characters.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The longest <c>mcpsessionid</c> accepted, in characters.</summary>
    public const int MaxSessionIdLength = 256;

    /// <summary>The longest <c>mcpconnection</c> accepted, in characters.</summary>
    public const int MaxConnectionLength = 256;

    /// <summary>The longest <c>mcpreplyto</c> accepted, in characters.</summary>
    public const int MaxReplyToLength = 1024;

    /// <summary>The longest <c>traceparent</c> accepted, in characters (W3C Trace Context version 00 uses 55).</summary>
    public const int MaxTraceParentLength = 256;
}
