using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Sessions;

/// <summary>Source-generated log messages of the actor session host.</summary>
internal static partial class ActorSessionLog
{
    [LoggerMessage(2101, LogLevel.Information, "Session {SessionId} rebuilt on this replica: {Replayed} message(s) replayed, {Failed} request(s) in flight answered with an error, {Rerun} re-run.")]
    public static partial void SessionRebuilt(ILogger logger, string sessionId, int replayed, int failed, int rerun);

    [LoggerMessage(2102, LogLevel.Warning, "Could not mark request {RequestId} of session {SessionId} as answered.")]
    public static partial void CompletionFailed(ILogger logger, Exception exception, string requestId, string sessionId);

    [LoggerMessage(2103, LogLevel.Warning, "Event {EventId} could not be handed to the actor of session {SessionId}; the sidecar will deliver it again.")]
    public static partial void ActorCallFailed(ILogger logger, Exception exception, string eventId, string sessionId);

    [LoggerMessage(2104, LogLevel.Warning, "The open-session count (actor type {CounterActorType}) could not be updated.")]
    public static partial void CounterFailed(ILogger logger, Exception exception, string counterActorType);

    [LoggerMessage(2105, LogLevel.Debug, "Event {EventId} of session {SessionId} was delivered before; it is not processed again.")]
    public static partial void DuplicateSessionEvent(ILogger logger, string eventId, string sessionId);
}
