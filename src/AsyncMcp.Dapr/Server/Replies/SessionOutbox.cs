using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>
/// The outgoing side of one server session (or sessionless lane): wraps each message the session's <c>McpServer</c>
/// sends in an envelope, keeps it within the wire limit, and hands it to the session's <see cref="IReplyChannel"/>
/// (opened by the reply address's route). Whoever owns the session decides what a delivery failure ends.
/// </summary>
internal sealed class SessionOutbox : IAsyncDisposable
{
    private readonly McpEnvelopeCodec _codec;
    private readonly IReplyChannel _channel;
    private readonly ReplyAddress _replyTo;
    private readonly string? _connection;
    private readonly string _appId;
    private readonly int _maxMessageBytes;
    private readonly McpDaprMetrics _metrics;
    private readonly ILogger _logger;

    public SessionOutbox(
        string? sessionId,
        ReplyAddress replyTo,
        string? connection,
        string appId,
        int maxMessageBytes,
        McpEnvelopeCodec codec,
        ReplyRoutes routes,
        McpDaprMetrics metrics,
        ILogger<SessionOutbox> logger,
        Action<Exception> onFailed)
    {
        SessionId = sessionId;
        _replyTo = replyTo;
        _connection = connection;
        _appId = appId;
        _maxMessageBytes = maxMessageBytes;
        _codec = codec;
        _metrics = metrics;
        _logger = logger;
        _channel = routes.Open(replyTo, sessionId, error =>
        {
            Log.SessionEndedByDeliveryFailure(_logger, (error as ReplyDeliveryException)?.MessageId, SessionId, _connection, error.Message);
            onFailed(error);
        });
    }

    /// <summary>The session id, or <see langword="null"/> for a sessionless lane.</summary>
    public string? SessionId { get; }

    /// <summary>The name the session's transport reports: <c>dapr-</c> and the reply scheme.</summary>
    public string TransportName => $"dapr-{_replyTo.Scheme}";

    /// <summary>Sends one message of the session's server to its client.</summary>
    public async Task SendAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        var destination = Telemetry.DestinationOf(_replyTo);
        using var activity = Telemetry.StartPublish(message, destination, SessionId);
        _metrics.Published(destination);
        var envelope = McpEnvelope.Create(_appId, SessionId, _connection, message);
        MessageIds.Set(message, envelope.Id);
        using var scope = Log.BeginMessageScope(_logger, envelope);
        var bytes = _codec.Encode(envelope);
        if (bytes.Length > _maxMessageBytes)
        {
            Log.OutgoingTooLarge(_logger, envelope.Id, SessionId, bytes.Length, _maxMessageBytes);
            switch (message)
            {
                case JsonRpcMessageWithId { Id: var id } when message is JsonRpcResponse or JsonRpcError:
                    // The requester must not wait forever for a result that cannot travel: answer with an error instead.
                    envelope = McpEnvelope.Create(_appId, SessionId, _connection, new JsonRpcError
                    {
                        Id = id,
                        Error = new JsonRpcErrorDetail
                        {
                            Code = McpWireErrorCodes.MessageTooLarge,
                            Message = $"The result is {bytes.Length} bytes, larger than the wire limit of {_maxMessageBytes} bytes.",
                        },
                    });
                    bytes = _codec.Encode(envelope);
                    break;
                case JsonRpcRequest:
                    throw new InvalidOperationException(
                        $"The request is {bytes.Length} bytes, larger than the wire limit of {_maxMessageBytes} bytes.");
                default:
                    // A notification that cannot travel is dropped; it was logged above.
                    _metrics.Dropped(DropReasons.TooLarge, destination);
                    return;
            }
        }

        await _channel.SendAsync(envelope.Id, bytes, cancellationToken);
        Log.Published(_logger, Telemetry.MethodOf(envelope.Message!), envelope.Id, SessionId, destination);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
