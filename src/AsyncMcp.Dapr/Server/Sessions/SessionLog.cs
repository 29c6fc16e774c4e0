using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// Source-generated log messages of the session host. Lines about a message carry its CloudEvent id as
/// <c>MessageId</c>; every line carries <c>SessionId</c> where a session exists (see <c>docs/observability.md</c>).
/// </summary>
internal static partial class SessionLog
{
    [LoggerMessage(2001, LogLevel.Information, "Opened session {SessionId} for app {AppId} (initialize message {MessageId}).")]
    public static partial void SessionOpened(ILogger logger, string sessionId, string appId, string messageId);

    [LoggerMessage(2002, LogLevel.Information, "Ended session {SessionId}: {Reason} (message {MessageId}).")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string reason, string? messageId);

    [LoggerMessage(2003, LogLevel.Warning, "Message {MessageId} names session {SessionId}, which is not open here.")]
    public static partial void UnknownSession(ILogger logger, string messageId, string sessionId);

    [LoggerMessage(2004, LogLevel.Warning, "Message {MessageId} from app {Source} was refused: session {SessionId} belongs to app {Owner}.")]
    public static partial void ForeignSession(ILogger logger, string messageId, string source, string sessionId, string owner);

    [LoggerMessage(2005, LogLevel.Warning, "Refused initialize message {MessageId} of app {AppId}, so no session opens: the cap of {Cap} open sessions is reached.")]
    public static partial void SessionCapReached(ILogger logger, string messageId, string appId, int cap);

    [LoggerMessage(2009, LogLevel.Warning, "Refused sessionless message {MessageId} of app {AppId}: the cap of {Cap} sessionless client connections is reached.")]
    public static partial void LaneCapReached(ILogger logger, string messageId, string appId, int cap);

    [LoggerMessage(2007, LogLevel.Error, "The server of session {SessionId} ({SessionKey}) stopped with an error.")]
    public static partial void SessionFailed(ILogger logger, Exception exception, string? sessionId, string sessionKey);

    [LoggerMessage(2090, LogLevel.Warning, "Refused request message {MessageId} of app {AppId}: the server is shutting down.")]
    public static partial void RefusedWhileStopping(ILogger logger, string messageId, string appId);

    [LoggerMessage(2008, LogLevel.Warning, "Looking for idle sessions failed; the next sweep tries again.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
