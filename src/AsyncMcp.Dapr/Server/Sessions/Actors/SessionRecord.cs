namespace AsyncMcp.Dapr.Server.Sessions.Actors;

/// <summary>
/// Everything a session actor keeps in the actor state store: enough to rebuild the session's <c>McpServer</c> on any
/// replica (the initialize exchange and the requests that changed the session's state, replayed in order), where to
/// reply, who owns the session, the recent CloudEvent ids, and the requests in flight.
/// </summary>
internal sealed class SessionRecord
{
    public required string SessionId { get; init; }

    /// <summary>The app-id that opened the session; only it may use the session.</summary>
    public required string OwnerAppId { get; init; }

    public required string ReplyTo { get; set; }

    public string? Connection { get; set; }

    /// <summary>The session-shaping messages, in order: initialize, notifications/initialized, logging/setLevel, resources/subscribe.</summary>
    public List<string> Replay { get; init; } = [];

    /// <summary>Recent CloudEvent ids, oldest first, at most the configured window.</summary>
    public List<string> Seen { get; init; } = [];

    public List<InFlightRequest> InFlight { get; init; } = [];

    public DateTimeOffset LastActivity { get; set; }
}
