using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>Source-generated log messages of the workflow session host (same properties as the other hosts').</summary>
internal static partial class WorkflowSessionLog
{
    [LoggerMessage(2201, LogLevel.Information, "Session {SessionId} rebuilt on this replica for message {MessageId}: {Replayed} message(s) replayed, {Failed} request(s) in flight answered with an error, {Rerun} re-run.")]
    public static partial void SessionRebuilt(ILogger logger, string sessionId, string? messageId, int replayed, int failed, int rerun);

    [LoggerMessage(2202, LogLevel.Warning, "Could not mark request {RequestId} of session {SessionId} as answered (answer message {MessageId}).")]
    public static partial void CompletionFailed(ILogger logger, Exception exception, string requestId, string sessionId, string? messageId);

    [LoggerMessage(2203, LogLevel.Warning, "Message {MessageId} could not be handed to the workflow of session {SessionId}; the sidecar will deliver it again.")]
    public static partial void WorkflowCallFailed(ILogger logger, Exception exception, string messageId, string sessionId);

    [LoggerMessage(2204, LogLevel.Warning, "The server of session {SessionId} failed on message {MessageId}; it is rebuilt on the next turn.")]
    public static partial void LiveWorkFailed(ILogger logger, Exception exception, string sessionId, string? messageId);

    [LoggerMessage(2205, LogLevel.Warning, "The open-session count could not be updated.")]
    public static partial void CounterFailed(ILogger logger, Exception exception);

    [LoggerMessage(2206, LogLevel.Warning, "The workflow of session {SessionId} ended as {Status}: {Failure}")]
    public static partial void WorkflowEnded(ILogger logger, string sessionId, string status, string? failure);

    [LoggerMessage(2207, LogLevel.Warning, "A request that reached session {SessionId} as it ended could not be answered.")]
    public static partial void RefusalFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(2208, LogLevel.Debug, "The workflow instance {InstanceId} of ended session {SessionId} was purged.")]
    public static partial void SessionPurged(ILogger logger, string sessionId, string instanceId);

    [LoggerMessage(2209, LogLevel.Warning, "The workflow instance {InstanceId} of ended session {SessionId} could not be purged; the sweep for ended sessions, or the next message that names it, tries again.")]
    public static partial void PurgeFailed(ILogger logger, Exception exception, string sessionId, string instanceId);

    [LoggerMessage(2210, LogLevel.Warning, "Refused request message {MessageId} of session {SessionId}: this replica is shutting down.")]
    public static partial void RefusedWhileStopping(ILogger logger, string messageId, string sessionId);

    [LoggerMessage(2211, LogLevel.Information, "Purged {Count} session instance(s) ended for longer than {Grace}.")]
    public static partial void EndedSessionsSwept(ILogger logger, int count, TimeSpan grace);
}
