namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>One message for a session actor, as the receiving replica hands it over.</summary>
public sealed class SessionDelivery
{
    /// <summary>The CloudEvent id: the de-duplication key.</summary>
    public required string EventId { get; init; }

    /// <summary>The publisher's Dapr app-id (CloudEvent <c>source</c>).</summary>
    public required string Source { get; init; }

    /// <summary>The reply address, as written on the wire.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>The client connection attribute.</summary>
    public string? Connection { get; init; }

    /// <summary>The JSON-RPC message as JSON text; <see langword="null"/> for a close event.</summary>
    public string? Message { get; init; }
}
