namespace AsyncMcp.Dapr.Wire;

/// <summary>What a subscription endpoint tells the Dapr sidecar about one delivered event.</summary>
internal enum DeliveryStatus
{
    /// <summary>The event is safely handed over (or was a duplicate); the sidecar acknowledges it.</summary>
    Success,

    /// <summary>A transient failure; the sidecar delivers the event again.</summary>
    Retry,

    /// <summary>The event can never be processed; the sidecar drops it.</summary>
    Drop,
}
