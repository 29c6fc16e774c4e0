using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Transports;

/// <summary>Source-generated log messages of the transports.</summary>
internal static partial class Log
{
    private static readonly Func<ILogger, string, string?, IDisposable?> MessageScope =
        LoggerMessage.DefineScope<string, string?>("Message {MessageId} of session {SessionId}");

    /// <summary>Puts the message id and session id on every log line written while the message is processed.</summary>
    public static IDisposable? BeginMessageScope(ILogger logger, Wire.McpEnvelope envelope) => MessageScope(logger, envelope.Id, envelope.SessionId);

    [LoggerMessage(1001, LogLevel.Warning, "Session {SessionId}: an outgoing message of {Size} bytes exceeds the wire limit of {Limit} bytes.")]
    public static partial void OutgoingTooLarge(ILogger logger, string? sessionId, int size, int limit);

    [LoggerMessage(1002, LogLevel.Error, "Dropped event {EventId} from {Source}: {Error}: {Detail}")]
    public static partial void DroppedPoisonEvent(ILogger logger, string? eventId, string? source, string error, string? detail);

    [LoggerMessage(1003, LogLevel.Error, "Dropped an event of more than {Limit} bytes without reading it.")]
    public static partial void DroppedUnreadableEvent(ILogger logger, int limit);

    [LoggerMessage(1004, LogLevel.Warning, "Event {EventId} will be redelivered: {Reason}")]
    public static partial void RetryingEvent(ILogger logger, string? eventId, string reason);

    [LoggerMessage(1005, LogLevel.Warning, "Dropped reply {EventId} for connection {Connection}, which is not open in this process.")]
    public static partial void ReplyForUnknownConnection(ILogger logger, string eventId, string? connection);

    [LoggerMessage(1006, LogLevel.Debug, "Ignored duplicate delivery of event {EventId}.")]
    public static partial void DuplicateEvent(ILogger logger, string eventId);

    [LoggerMessage(1008, LogLevel.Warning, "Could not send the session close event for session {SessionId}.")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(1009, LogLevel.Warning, "Refused event {EventId} from app {Source}: replies to {ReplyTo} are not allowed. {Reason} The refusal (JSON-RPC error -32013) cannot be sent to a refused address; the event goes to the dead-letter topic.")]
    public static partial void ReplyAddressRefused(ILogger logger, string eventId, string source, string replyTo, string reason);

    [LoggerMessage(1010, LogLevel.Warning, "Webhook delivery of event {EventId} to {ReplyTo} failed (attempt {Attempt}); retrying in {Delay}: {Reason}")]
    public static partial void WebhookDeliveryRetrying(ILogger logger, string eventId, string replyTo, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(1011, LogLevel.Information, "Webhook delivery of event {EventId} to {ReplyTo} succeeded at attempt {Attempt}.")]
    public static partial void WebhookDeliveryRecovered(ILogger logger, string eventId, string replyTo, int attempt);

    [LoggerMessage(1012, LogLevel.Error, "Session {SessionId}: gave up delivering to {ReplyTo}: {Reason}")]
    public static partial void WebhookDeliveryFailed(ILogger logger, string sessionId, string replyTo, string reason);

    [LoggerMessage(1013, LogLevel.Warning, "Session {SessionId} ends: its replies cannot be delivered ({Reason}).")]
    public static partial void SessionEndedByDeliveryFailure(ILogger logger, string? sessionId, string reason);

    [LoggerMessage(1014, LogLevel.Warning, "Rejected a webhook delivery ({Status}): {Reason}")]
    public static partial void WebhookRejected(ILogger logger, int status, string reason);
}
