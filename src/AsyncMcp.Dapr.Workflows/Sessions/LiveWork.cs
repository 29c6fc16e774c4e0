using AsyncMcp.Dapr.Server.Sessions;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>What a session's server needs to be rebuilt: a copy of the workflow's record at the time of the turn.</summary>
/// <remarks><c>OwnerAppId</c> marks each delivered message with its sender, as the other hosts do (tasks are the app's).</remarks>
internal sealed record SessionSnapshot(string ReplyTo, string? Connection, IReadOnlyList<string> Replay, IReadOnlyList<InFlightRequest> InFlight, string OwnerAppId);

/// <summary>One piece of work a session's workflow turn hands to the session's live server on this replica.</summary>
internal sealed record LiveWork(string SessionId, SessionSnapshot? Snapshot, string? Message, string? EventId, bool Opening, bool Ending)
{
    /// <summary>Start a fresh server and hand it the initialize request.</summary>
    public static LiveWork Open(string sessionId, SessionSnapshot snapshot, string initialize, string eventId) =>
        new(sessionId, snapshot, initialize, eventId, Opening: true, Ending: false);

    /// <summary>Hand an accepted message to the server, rebuilding it first if this replica has none.</summary>
    public static LiveWork Deliver(string sessionId, SessionSnapshot snapshot, string message, string eventId) =>
        new(sessionId, snapshot, message, eventId, Opening: false, Ending: false);

    /// <summary>Rebuild the server if this replica has none (which answers the requests left in flight).</summary>
    public static LiveWork Ensure(string sessionId, SessionSnapshot snapshot) => new(sessionId, snapshot, null, null, Opening: false, Ending: false);

    /// <summary>Stop the session's server.</summary>
    public static LiveWork End(string sessionId) => new(sessionId, null, null, null, Opening: false, Ending: true);
}
