using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Sessions;

/// <summary>Source-generated log messages of the session host.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Opened session {SessionId} for app {AppId}.")]
    public static partial void SessionOpened(ILogger logger, string sessionId, string appId);

    [LoggerMessage(2002, LogLevel.Information, "Ended session {SessionId}: {Reason}.")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(2003, LogLevel.Warning, "Event {EventId} names session {SessionId}, which is not open here.")]
    public static partial void UnknownSession(ILogger logger, string eventId, string sessionId);

    [LoggerMessage(2004, LogLevel.Warning, "Event {EventId} from app {Source} was refused: session {SessionId} belongs to app {Owner}.")]
    public static partial void ForeignSession(ILogger logger, string eventId, string source, string sessionId, string owner);

    [LoggerMessage(2005, LogLevel.Warning, "Refused a new session for app {AppId}: {Open} sessions are open, the cap is {Cap}.")]
    public static partial void SessionCapReached(ILogger logger, string appId, int open, int cap);

    [LoggerMessage(2006, LogLevel.Error, "Could not send an error reply for event {EventId}.")]
    public static partial void ErrorReplyFailed(ILogger logger, Exception exception, string eventId);

    [LoggerMessage(2007, LogLevel.Error, "Session {SessionId} stopped with an error.")]
    public static partial void SessionFailed(ILogger logger, Exception exception, string sessionId);
}
