using AsyncMcp.Dapr.Emulator.Api;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>The errors daprd's actor API returns (dapr/dapr pkg/messages/predefined.go), with their codes and HTTP statuses.</summary>
internal static class ActorErrors
{
    public static DaprApiException RuntimeNotFound() =>
        new("ERR_ACTOR_RUNTIME_NOT_FOUND", 500, StatusCode.Internal,
            "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?");

    public static DaprApiException InstanceMissing() =>
        new("ERR_ACTOR_INSTANCE_MISSING", 400, StatusCode.InvalidArgument, "actor instance is missing");

    public static DaprApiException InvokeMethod(string detail) =>
        new("ERR_ACTOR_INVOKE_METHOD", 500, StatusCode.Internal, "error invoke actor method: " + detail);

    public static DaprApiException ReminderCreate(string detail) =>
        new("ERR_ACTOR_REMINDER_CREATE", 500, StatusCode.Internal, "error creating actor reminder: " + detail);

    public static DaprApiException TimerCreate(string detail) =>
        new("ERR_ACTOR_TIMER_CREATE", 500, StatusCode.Internal, "error creating actor timer: " + detail);

    public static DaprApiException ReminderGet(string detail) =>
        new("ERR_ACTOR_REMINDER_GET", 500, StatusCode.Internal, "error getting actor reminder: " + detail);

    public static DaprApiException StateTransaction(string detail) =>
        new("ERR_ACTOR_STATE_TRANSACTION_SAVE", 500, StatusCode.Internal, "error saving actor transaction state: " + detail);
}
