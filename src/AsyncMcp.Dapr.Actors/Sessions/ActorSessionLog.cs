using AsyncMcp.Dapr.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>Source-generated log messages of the actor session host (same properties as <see cref="SessionLog"/>).</summary>
internal static partial class ActorSessionLog
{
    [LoggerMessage(2101, LogLevel.Information, "Session {SessionId} rebuilt on this replica for message {MessageId}: {Replayed} message(s) replayed, {Failed} request(s) in flight answered with an error, {Rerun} re-run.")]
    public static partial void SessionRebuilt(ILogger logger, string sessionId, string? messageId, int replayed, int failed, int rerun);

    [LoggerMessage(2102, LogLevel.Warning, "The answers to {Count} request(s) of session {SessionId} could not be saved as the actor deactivated; the next activation answers those requests again.")]
    public static partial void AnswersNotSaved(ILogger logger, Exception exception, int count, string sessionId);

    [LoggerMessage(2103, LogLevel.Warning, "Message {MessageId} could not be handed to the actor of session {SessionId}; the sidecar will deliver it again.")]
    public static partial void ActorCallFailed(ILogger logger, Exception exception, string messageId, string sessionId);

    [LoggerMessage(2104, LogLevel.Warning, "The open-session count (actor type {CounterActorType}) could not be updated.")]
    public static partial void CounterFailed(ILogger logger, Exception exception, string counterActorType);

    [LoggerMessage(2106, LogLevel.Warning, "The answers given by session {SessionId} on this replica could not be saved as it stopped; the replica that takes the session over answers those requests again.")]
    public static partial void AnswersNotSettled(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(2105, LogLevel.Debug, "Message {MessageId} of session {SessionId} was delivered before; it is not processed again.")]
    public static partial void DuplicateSessionEvent(ILogger logger, string messageId, string sessionId);
}
