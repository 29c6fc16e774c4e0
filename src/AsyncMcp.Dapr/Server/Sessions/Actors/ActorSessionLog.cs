using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Server.Sessions.Actors;

/// <summary>Source-generated log messages of the actor session host (same properties as <see cref="SessionLog"/>).</summary>
internal static partial class ActorSessionLog
{
    [LoggerMessage(2101, LogLevel.Information, "Session {SessionId} rebuilt on this replica for message {MessageId}: {Replayed} message(s) replayed, {Failed} request(s) in flight answered with an error, {Rerun} re-run.")]
    public static partial void SessionRebuilt(ILogger logger, string sessionId, string? messageId, int replayed, int failed, int rerun);

    [LoggerMessage(2102, LogLevel.Warning, "Could not mark request {RequestId} of session {SessionId} as answered (answer message {MessageId}).")]
    public static partial void CompletionFailed(ILogger logger, Exception exception, string requestId, string sessionId, string? messageId);

    [LoggerMessage(2103, LogLevel.Warning, "Message {MessageId} could not be handed to the actor of session {SessionId}; the sidecar will deliver it again.")]
    public static partial void ActorCallFailed(ILogger logger, Exception exception, string messageId, string sessionId);

    [LoggerMessage(2104, LogLevel.Warning, "The open-session count (actor type {CounterActorType}) could not be updated.")]
    public static partial void CounterFailed(ILogger logger, Exception exception, string counterActorType);

    [LoggerMessage(2105, LogLevel.Debug, "Message {MessageId} of session {SessionId} was delivered before; it is not processed again.")]
    public static partial void DuplicateSessionEvent(ILogger logger, string messageId, string sessionId);
}
