using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Diagnostics;

/// <summary>The emulator's log lines (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Dapr emulator: pubsub component '{Name}' of type {Type} is emulated by the emulator's in-memory broker (no {Type} is contacted)")]
    public static partial void PubSubEmulated(this ILogger logger, string name, string type);

    [LoggerMessage(2, LogLevel.Information, "Dapr emulator: state store '{Name}' of type {Type} is emulated by an in-memory store (key prefix '{KeyPrefix}')")]
    public static partial void StateStoreEmulated(this ILogger logger, string name, string type, string keyPrefix);

    [LoggerMessage(3, LogLevel.Information, "Dapr emulator: sidecar '{AppId}' listening: gRPC {GrpcEndpoint}, HTTP {HttpEndpoint}")]
    public static partial void SidecarStarted(this ILogger logger, string appId, Uri grpcEndpoint, Uri httpEndpoint);

    [LoggerMessage(4, LogLevel.Information, "Dapr emulator: sidecar '{AppId}' stopped")]
    public static partial void SidecarStopped(this ILogger logger, string appId);

    [LoggerMessage(5, LogLevel.Information, "Dapr emulator: sidecar '{AppId}' subscribed to topic '{Topic}' on pubsub '{PubSub}' -> POST {AppUrl}{Route} (dead-letter topic: '{DeadLetterTopic}', from {Source})")]
    public static partial void Subscribed(this ILogger logger, string appId, string pubSub, string topic, Uri appUrl, string route, string? deadLetterTopic, string source);

    [LoggerMessage(18, LogLevel.Information, "Dapr emulator: sidecar '{AppId}' subscribed to topic '{Topic}' on pubsub '{PubSub}' -> streaming subscription (dead-letter topic: '{DeadLetterTopic}')")]
    public static partial void StreamSubscribed(this ILogger logger, string appId, string pubSub, string topic, string? deadLetterTopic);

    [LoggerMessage(19, LogLevel.Information, "Dapr emulator: sidecar '{AppId}' unsubscribed from topic '{Topic}' on pubsub '{PubSub}' (streaming subscription ended)")]
    public static partial void StreamUnsubscribed(this ILogger logger, string appId, string pubSub, string topic);

    [LoggerMessage(20, LogLevel.Warning, "Dapr emulator: sidecar '{AppId}' got an answer for event {EventId} that no delivery on its stream for topic '{Topic}' waits for")]
    public static partial void StreamAnswerUnexpected(this ILogger logger, string appId, string topic, string eventId);

    [LoggerMessage(6, LogLevel.Warning, "Dapr emulator: sidecar '{AppId}' ignores subscription to topic '{Topic}' on pubsub '{PubSub}' ({Source}): {Reason}")]
    public static partial void SubscriptionIgnored(this ILogger logger, string appId, string pubSub, string topic, string source, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Dapr emulator: '{AppId}' published event {EventId} to topic '{Topic}' on pubsub '{PubSub}'")]
    public static partial void Published(this ILogger logger, string appId, string pubSub, string topic, string? eventId);

    [LoggerMessage(8, LogLevel.Information, "Dapr emulator: delivered event {EventId} from topic '{Topic}' on pubsub '{PubSub}' to '{AppId}' (attempt {Attempt}): SUCCESS")]
    public static partial void DeliverySucceeded(this ILogger logger, string appId, string pubSub, string topic, string? eventId, int attempt);

    [LoggerMessage(9, LogLevel.Warning, "Dapr emulator: delivery of event {EventId} from topic '{Topic}' on pubsub '{PubSub}' to '{AppId}' (attempt {Attempt}) to be retried: {Reason}")]
    public static partial void DeliveryRetry(this ILogger logger, string appId, string pubSub, string topic, string? eventId, int attempt, string reason);

    [LoggerMessage(10, LogLevel.Warning, "Dapr emulator: event {EventId} from topic '{Topic}' on pubsub '{PubSub}' dropped by '{AppId}' (attempt {Attempt}): {Reason}")]
    public static partial void DeliveryDropped(this ILogger logger, string appId, string pubSub, string topic, string? eventId, int attempt, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Dapr emulator: event {EventId} from topic '{Topic}' on pubsub '{PubSub}' for '{AppId}' sent to dead-letter topic '{DeadLetterTopic}' after {Attempts} attempt(s)")]
    public static partial void DeliveryDeadLettered(this ILogger logger, string appId, string pubSub, string topic, string? eventId, string deadLetterTopic, int attempts);

    [LoggerMessage(12, LogLevel.Error, "Dapr emulator: event {EventId} from topic '{Topic}' on pubsub '{PubSub}' for '{AppId}' discarded after {Attempts} attempt(s): {Reason} (no dead-letter topic)")]
    public static partial void DeliveryDiscarded(this ILogger logger, string appId, string pubSub, string topic, string? eventId, int attempts, string reason);

    [LoggerMessage(13, LogLevel.Information, "Dapr emulator: sidecar of '{AppId}' stopped with event {EventId} from topic '{Topic}' on pubsub '{PubSub}' in flight: it goes back to the queue")]
    public static partial void DeliveryRequeued(this ILogger logger, string appId, string pubSub, string topic, string? eventId);

    [LoggerMessage(14, LogLevel.Error, "Dapr emulator: a MessageSettled handler threw")]
    public static partial void SettledHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Error, "Dapr emulator: delivery loop of topic '{Topic}' on pubsub '{PubSub}' for '{AppId}' failed")]
    public static partial void DispatchFailed(this ILogger logger, string pubSub, string topic, string appId, Exception exception);

    [LoggerMessage(16, LogLevel.Information, "Dapr emulator: component '{Name}' of type {Type} loaded")]
    public static partial void ComponentLoaded(this ILogger logger, string name, string type);

    [LoggerMessage(17, LogLevel.Information, "Dapr emulator: '{AppId}' invoked output binding '{Binding}' ({Operation} {Url}): {Outcome}")]
    public static partial void BindingInvoked(this ILogger logger, string appId, string binding, string operation, string url, string outcome);
}
