namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>What a session actor did with a message.</summary>
public enum SessionOutcome
{
    /// <summary>Recorded in the session's state and handed to its server.</summary>
    Accepted,

    /// <summary>The CloudEvent id was seen before: the message was not processed again.</summary>
    Duplicate,

    /// <summary>No such session: never opened, closed, or expired.</summary>
    NotFound,

    /// <summary>The session belongs to another app-id.</summary>
    Forbidden,

    /// <summary>A new request while the replica the session lives on drains on its way down: not recorded, to be sent again.</summary>
    ShuttingDown,
}
