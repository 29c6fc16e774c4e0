using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>The log lines of the answers to a task's requests (<see cref="TaskInputRelay"/>).</summary>
internal static partial class TaskInputLog
{
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
