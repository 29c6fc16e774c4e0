namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>What the app's answer to a delivery means.</summary>
internal enum AppResponseKind
{
    /// <summary>Acknowledged.</summary>
    Success,

    /// <summary>Try again.</summary>
    Retry,

    /// <summary>Dropped: not to be retried (dead-lettered when the subscription has a dead-letter topic).</summary>
    Drop,
}
