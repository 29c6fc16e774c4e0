namespace AsyncMcp.Dapr.Wire;

/// <summary>Why an incoming event cannot be processed. Every value except <see cref="None"/> is permanent.</summary>
internal enum WireError
{
    None,
    TooLarge,
    MalformedCloudEvent,
    MissingAttribute,
    MalformedJsonRpc,
    InvalidAttribute,
}
