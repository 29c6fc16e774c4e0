using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Diagnostics;

/// <summary>
/// Source-generated log messages of the transports. Every line about a message carries its CloudEvent id as
/// <c>MessageId</c> and its session as <c>SessionId</c> (<see langword="null"/> for messages outside a session:
/// <c>initialize</c> and 2026-07-28 traffic); see <c>docs/observability.md</c>.
/// </summary>
internal static partial class Log
{
    private static readonly Func<ILogger, string, string?, IDisposable?> MessageScope =
        LoggerMessage.DefineScope<string, string?>("Message {MessageId} of session {SessionId}");

    private static readonly Func<ILogger, string, IDisposable?> SessionScope =
        LoggerMessage.DefineScope<string>("Session {SessionId}");

    /// <summary>Puts the message id and session id on every log line written while a message is processed or sent.</summary>
    public static IDisposable? BeginMessageScope(ILogger logger, McpEnvelope envelope) => MessageScope(logger, envelope.Id, envelope.SessionId);

    /// <summary>Puts the message id and session id on every log line written while a message is processed or sent.</summary>
    public static IDisposable? BeginMessageScope(ILogger logger, string messageId, string? sessionId) => MessageScope(logger, messageId, sessionId);

    /// <summary>Puts the session id on every log line written while a session is opened or kept (no message at hand).</summary>
    public static IDisposable? BeginSessionScope(ILogger logger, string sessionId) => SessionScope(logger, sessionId);

    [LoggerMessage(1001, LogLevel.Warning, "Message {MessageId} of session {SessionId} is {Size} bytes, more than the wire limit of {Limit} bytes.")]
    public static partial void OutgoingTooLarge(ILogger logger, string messageId, string? sessionId, int size, int limit);

    [LoggerMessage(1002, LogLevel.Error, "Dropped message {MessageId} of session {SessionId} from {Source}: {Error}: {Detail}")]
    public static partial void DroppedPoisonEvent(ILogger logger, string? messageId, string? sessionId, string? source, string error, string? detail);

    [LoggerMessage(1003, LogLevel.Error, "Dropped an event of more than {Limit} bytes without reading it (its id and session are unknown).")]
    public static partial void DroppedUnreadableEvent(ILogger logger, int limit);

    [LoggerMessage(1004, LogLevel.Warning, "Message {MessageId} of session {SessionId} will be redelivered: {Reason}")]
    public static partial void RetryingEvent(ILogger logger, string messageId, string? sessionId, string reason);

    [LoggerMessage(1005, LogLevel.Warning, "Dropped reply {MessageId} of session {SessionId} for connection {Connection}, which is not open in this process.")]
    public static partial void ReplyForUnknownConnection(ILogger logger, string messageId, string? sessionId, string? connection);

    [LoggerMessage(1006, LogLevel.Debug, "Ignored a duplicate delivery of message {MessageId} of session {SessionId}.")]
    public static partial void DuplicateEvent(ILogger logger, string messageId, string? sessionId);

    [LoggerMessage(1008, LogLevel.Warning, "Could not send the close event {MessageId} of session {SessionId}.")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string messageId, string sessionId);

    [LoggerMessage(1009, LogLevel.Warning, "Refused message {MessageId} of session {SessionId} from app {Source}: replies to {ReplyTo} are not allowed. {Reason} The refusal (JSON-RPC error -32013) cannot be sent to a refused address; the event goes to the dead-letter topic.")]
    public static partial void ReplyAddressRefused(ILogger logger, string messageId, string? sessionId, string source, string replyTo, string reason);

    [LoggerMessage(1010, LogLevel.Warning, "Webhook delivery of message {MessageId} of session {SessionId} to {ReplyTo} failed (attempt {Attempt}); retrying in {Delay}: {Reason}")]
    public static partial void WebhookDeliveryRetrying(ILogger logger, string messageId, string? sessionId, string replyTo, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(1011, LogLevel.Information, "Webhook delivery of message {MessageId} of session {SessionId} to {ReplyTo} succeeded at attempt {Attempt}.")]
    public static partial void WebhookDeliveryRecovered(ILogger logger, string messageId, string? sessionId, string replyTo, int attempt);

    [LoggerMessage(1012, LogLevel.Error, "Gave up delivering message {MessageId} of session {SessionId} to {ReplyTo}: {Reason}")]
    public static partial void WebhookDeliveryFailed(ILogger logger, string? messageId, string? sessionId, string replyTo, string reason);

    [LoggerMessage(1013, LogLevel.Warning, "Session {SessionId} (connection {Connection}) ends: its replies cannot be delivered; message {MessageId} was not ({Reason}).")]
    public static partial void SessionEndedByDeliveryFailure(ILogger logger, string? messageId, string? sessionId, string? connection, string reason);

    [LoggerMessage(1014, LogLevel.Warning, "Rejected a webhook delivery of message {MessageId} of session {SessionId} ({Status}): {Reason}")]
    public static partial void WebhookRejected(ILogger logger, string? messageId, string? sessionId, int status, string reason);

    [LoggerMessage(1015, LogLevel.Debug, "Published {Method} message {MessageId} of session {SessionId} to {Destination}.")]
    public static partial void Published(ILogger logger, string method, string messageId, string? sessionId, string destination);

    [LoggerMessage(1016, LogLevel.Debug, "Received {Method} message {MessageId} of session {SessionId} from app {Source} on {Topic}.")]
    public static partial void Received(ILogger logger, string messageId, string? sessionId, string method, string source, string topic);

    [LoggerMessage(1017, LogLevel.Warning, "Request {RequestId} (message {MessageId} of session {SessionId}) heard nothing from the server for {Timeout}; it ends with error -32014 (reply timed out).")]
    public static partial void ReplyTimedOut(ILogger logger, string? messageId, string? sessionId, string requestId, TimeSpan timeout);

    [LoggerMessage(1018, LogLevel.Warning, "Dead letter: message {MessageId} of session {SessionId} from app {Source}, type {Type}, first published to topic {Topic} ({Size} bytes).")]
    public static partial void DeadLetter(ILogger logger, string? messageId, string? sessionId, string? source, string? type, string? topic, int size);

    [LoggerMessage(1019, LogLevel.Warning, "Dead letter on topic {DeadLetterTopic}: {Size} bytes that are not a CloudEvent (no message id or session can be read).")]
    public static partial void UnreadableDeadLetter(ILogger logger, string deadLetterTopic, int size);

    [LoggerMessage(1020, LogLevel.Warning, "Dropped a dead letter of more than {Limit} bytes on topic {DeadLetterTopic} without reading it.")]
    public static partial void OversizedDeadLetter(ILogger logger, string deadLetterTopic, int limit);

    [LoggerMessage(1021, LogLevel.Warning, "Sent no error reply to message {MessageId} of session {SessionId}: replies to {ReplyTo} are not allowed. {Reason}")]
    public static partial void ErrorReplyRefused(ILogger logger, string messageId, string? sessionId, string replyTo, string reason);

    [LoggerMessage(1022, LogLevel.Warning, "Refused a request to the Streamable HTTP door with {Status} (session {SessionId}): {Reason}")]
    public static partial void DoorRefused(ILogger logger, int status, string reason, string? sessionId);

    [LoggerMessage(1023, LogLevel.Warning, "Refused initialize {MessageId} from {Source} without opening a session: {Reason}")]
    public static partial void InitializeRefused(ILogger logger, string messageId, string? source, string reason);

    [LoggerMessage(1090, LogLevel.Warning, "Refused {Method} {Path}: the dapr-api-token header does not carry the app API token (APP_API_TOKEN), so the call is not from this app's Dapr sidecar.")]
    public static partial void AppTokenRefused(ILogger logger, string method, string? path);

    [LoggerMessage(1091, LogLevel.Information, "Stopping: no new requests are taken; waiting up to {DrainPeriod} for {InFlight} request(s) in flight.")]
    public static partial void Draining(ILogger logger, int inFlight, TimeSpan drainPeriod);

    [LoggerMessage(1092, LogLevel.Information, "Stopping: every request in flight finished after {Elapsed}.")]
    public static partial void Drained(ILogger logger, TimeSpan elapsed);

    [LoggerMessage(1093, LogLevel.Warning, "Stopping: {InFlight} request(s) did not finish within the drain period of {DrainPeriod}; they are answered with an error.")]
    public static partial void DrainAbandoned(ILogger logger, int inFlight, TimeSpan drainPeriod);

    [LoggerMessage(1094, LogLevel.Warning, "The Dapr sidecar answers but has not attached to the app (read its subscriptions) after {Wait}: sending anyway; replies may be lost until it has.")]
    public static partial void SidecarNotSubscribed(ILogger logger, TimeSpan wait);

    [LoggerMessage(1095, LogLevel.Warning, "Could not bulk publish to {PubSub}/{Topic} because {Reason}: messages are published one by one from now on (set Mcp:Publish:BulkPublish=false to skip the try).")]
    public static partial void BulkPublishUnavailable(ILogger logger, string pubSub, string topic, string reason);

    [LoggerMessage(2006, LogLevel.Error, "Could not send an error reply to message {MessageId} of session {SessionId}.")]
    public static partial void ErrorReplyFailed(ILogger logger, Exception exception, string messageId, string? sessionId);
}
