using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Workflows.Tasks;

internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Task {TaskId} created for tool {ToolName} by {Owner}, kept {TtlMs} ms")]
    public static partial void TaskCreated(ILogger logger, string taskId, string toolName, string owner, long ttlMs);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Task {TaskId} of tool {ToolName} already exists: the creating request came again")]
    public static partial void DuplicateCreation(ILogger logger, string taskId, string toolName);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Task {TaskId} asked for by {Caller}, but it belongs to {Owner}")]
    public static partial void ForeignTask(ILogger logger, string taskId, string caller, string owner);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Task {TaskId} of tool {ToolName} cancelled by request")]
    public static partial void TaskCancelled(ILogger logger, string taskId, string toolName);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Task {TaskId} did not record its cancellation within {GracePeriod}; its workflow was terminated")]
    public static partial void CancelEnforced(ILogger logger, string taskId, TimeSpan gracePeriod);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Task {TaskId} purged: {Reason}")]
    public static partial void TaskPurged(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Task {TaskId} could not be purged or terminated now: {Reason}")]
    public static partial void PurgeFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Task {TaskId}: tool {ToolName} was interrupted after {Runs} start(s) and is not idempotent; the task fails instead of running it again")]
    public static partial void RunInterrupted(ILogger logger, string taskId, string toolName, int runs);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Task {TaskId}: idempotent tool {ToolName} runs again after {Runs} interrupted start(s)")]
    public static partial void RunRepeated(ILogger logger, string taskId, string toolName, int runs);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Debug, Message = "A task message could not be passed to its client: {Reason}")]
    public static partial void ForwardFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Task {TaskId}: watching its workflow for a cancellation failed: {Reason}")]
    public static partial void WatchFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Task {TaskId}: completion webhook delivered to {Address}")]
    public static partial void CompletionWebhookSent(ILogger logger, string taskId, string address);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Task {TaskId}: completion webhook to {Address} given up after {Attempts} attempt(s): {Reason}")]
    public static partial void CompletionWebhookFailed(ILogger logger, string taskId, string address, int attempts, string reason);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Task {TaskId}: a subscriptions/listen stream could not be started or ended for it: {Reason}")]
    public static partial void ListenFailed(ILogger logger, string taskId, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "The sweep for {Sweep} failed: {Reason}")]
    public static partial void SweepFailed(ILogger logger, string sweep, string reason);

    // The answers to a task's requests to its client (TaskInputRelay).
    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "Task {TaskId}: the answer to request {RequestId} from {Source} was dropped: {Reason}")]
    public static partial void AnswerDropped(ILogger logger, string taskId, string requestId, string source, string reason);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "Task {TaskId}: an answer to request {RequestId} came from {Source}, but the task belongs to {Owner}; refused")]
    public static partial void ForeignAnswer(ILogger logger, string taskId, string requestId, string source, string owner);

    [LoggerMessage(EventId = 3052, Level = LogLevel.Debug, Message = "Task {TaskId}: the answer to request {RequestId} handed to the waiting run {Path}")]
    public static partial void HandedOver(ILogger logger, string taskId, string requestId, string path);

    [LoggerMessage(EventId = 3053, Level = LogLevel.Warning, Message = "Task {TaskId}: the answer to request {RequestId} could not be handed over now, it will be delivered again: {Reason}")]
    public static partial void HandOverFailed(ILogger logger, string taskId, string requestId, string reason);

    [LoggerMessage(EventId = 3054, Level = LogLevel.Debug, Message = "Task {TaskId}: request {RequestId} could not be struck from the task's pending requests: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string taskId, string requestId, string reason);
}
