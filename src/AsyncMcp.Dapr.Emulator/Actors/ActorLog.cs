using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>The emulator's log lines about actors (source-generated).</summary>
internal static partial class ActorLog
{
    [LoggerMessage(101, LogLevel.Information, "Dapr emulator: sidecar '{AppId}' ({Host}) hosts actor types {Types}")]
    public static partial void ActorHostJoined(this ILogger logger, string appId, string host, string types);

    [LoggerMessage(102, LogLevel.Information, "Dapr emulator: sidecar '{AppId}' ({Host}) left the actor placement")]
    public static partial void ActorHostLeft(this ILogger logger, string appId, string host);

    [LoggerMessage(103, LogLevel.Warning, "Dapr emulator: app '{AppId}' reports actor types {Types}, but no state store has actorStateStore: \"true\"; actors are off")]
    public static partial void ActorsDisabled(this ILogger logger, string appId, string types);

    [LoggerMessage(104, LogLevel.Debug, "Dapr emulator: actor {ActorType}/{ActorId} deactivated on '{AppId}'")]
    public static partial void ActorDeactivated(this ILogger logger, string appId, string actorType, string actorId);

    [LoggerMessage(105, LogLevel.Warning, "Dapr emulator: deactivating actor {ActorType}/{ActorId} on '{AppId}' failed: {Reason}")]
    public static partial void ActorDeactivationFailed(this ILogger logger, string appId, string actorType, string actorId, string reason);

    [LoggerMessage(106, LogLevel.Debug, "Dapr emulator: timer {Name} of actor {ActorType}/{ActorId} fired on '{AppId}': HTTP {Status}")]
    public static partial void ActorTimerFired(this ILogger logger, string appId, string actorType, string actorId, string name, int status);

    [LoggerMessage(107, LogLevel.Debug, "Dapr emulator: reminder {Name} of actor {ActorType}/{ActorId} fired on '{AppId}': HTTP {Status}")]
    public static partial void ActorReminderFired(this ILogger logger, string appId, string actorType, string actorId, string name, int status);
}
