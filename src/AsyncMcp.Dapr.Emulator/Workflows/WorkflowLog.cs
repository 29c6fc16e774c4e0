using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>The emulator's log lines about workflows (source-generated): one per work item outcome.</summary>
internal static partial class WorkflowLog
{
    [LoggerMessage(201, LogLevel.Information, "Dapr emulator: '{AppId}' worker stream {StreamId} connected on {Host}")]
    public static partial void WorkerConnected(this ILogger logger, string appId, string streamId, string host);

    [LoggerMessage(202, LogLevel.Information, "Dapr emulator: '{AppId}' worker stream {StreamId} on {Host} closed")]
    public static partial void WorkerDisconnected(this ILogger logger, string appId, string streamId, string host);

    [LoggerMessage(203, LogLevel.Information, "Dapr emulator: '{AppId}' {Kind} work item {ActorId} on stream {StreamId} (attempt {Attempt}): {Outcome}")]
    public static partial void WorkItemOutcome(this ILogger logger, string appId, string kind, string actorId, string streamId, int attempt, string outcome);

    [LoggerMessage(204, LogLevel.Warning, "Dapr emulator: '{AppId}' refused a {Kind} completion for '{InstanceId}': unknown or stale completion token '{Token}'")]
    public static partial void CompletionRefused(this ILogger logger, string appId, string kind, string instanceId, string token);

    [LoggerMessage(205, LogLevel.Information, "Dapr emulator: '{AppId}' workflow '{InstanceId}' ({Name}) is {Status}")]
    public static partial void WorkflowStatusChanged(this ILogger logger, string appId, string instanceId, string name, string status);

    [LoggerMessage(206, LogLevel.Warning, "Dapr emulator: '{AppId}' workflow '{InstanceId}': {Message}")]
    public static partial void WorkflowWarning(this ILogger logger, string appId, string instanceId, string message);
}
