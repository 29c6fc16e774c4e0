using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Transports;

/// <summary>
/// The <see cref="ITransport"/> of one server-side MCP session (or one sessionless lane): messages come in from the
/// session host, and everything the <c>McpServer</c> sends goes out through the session's <see cref="IReplyChannel"/>
/// (pub/sub or webhook, chosen by the reply address). When the channel gives up on a delivery for good, the
/// transport disconnects, which ends the session and every request still pending in it.
/// </summary>
internal sealed class ServerSessionTransport : TransportBase
{
    private readonly McpEnvelopeCodec _codec;
    private readonly IReplyChannel _channel;
    private readonly ReplyAddress _replyTo;
    private readonly string? _connection;
    private readonly string _appId;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;
    private int _pendingRequests;

    public ServerSessionTransport(
        string? sessionId,
        ReplyAddress replyTo,
        string? connection,
        string appId,
        int maxMessageBytes,
        McpEnvelopeCodec codec,
        ReplyChannelFactory channels,
        ILoggerFactory loggerFactory)
        : base($"dapr-{replyTo.Scheme}", loggerFactory)
    {
        SessionId = sessionId;
        _replyTo = replyTo;
        _connection = connection;
        _appId = appId;
        _maxMessageBytes = maxMessageBytes;
        _codec = codec;
        _logger = loggerFactory.CreateLogger<ServerSessionTransport>();
        _channel = channels.Open(replyTo, sessionId, OnDeliveryFailed);
        SetConnected();
    }

    /// <summary>When a message last went in or out of this session.</summary>
    public DateTimeOffset LastActivity { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>Requests from the client that have not been answered yet.</summary>
    public int PendingRequests => Volatile.Read(ref _pendingRequests);

    /// <summary>Hands an incoming message to the session's <c>McpServer</c>.</summary>
    public async Task DeliverAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        LastActivity = DateTimeOffset.UtcNow;
        if (message is JsonRpcRequest)
        {
            Interlocked.Increment(ref _pendingRequests);
        }

        // Handlers run in the context of the delivery, so that their spans and replies join the message's trace.
        message.Context ??= new JsonRpcMessageContext();
        message.Context.ExecutionContext = ExecutionContext.Capture();
        await WriteMessageAsync(message, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        LastActivity = DateTimeOffset.UtcNow;
        var destination = Telemetry.DestinationOf(_replyTo);
        using var activity = Telemetry.StartPublish(message, destination, SessionId);
        var envelope = Envelope(message);
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
                    envelope = Envelope(new JsonRpcError
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
                    Telemetry.Dropped(DropReasons.TooLarge, destination);
                    return;
            }
        }

        await _channel.SendAsync(envelope.Id, bytes, cancellationToken);
        Log.Published(_logger, Telemetry.MethodOf(envelope.Message!), envelope.Id, SessionId, destination);
        if (message is JsonRpcResponse or JsonRpcError)
        {
            Interlocked.Decrement(ref _pendingRequests);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        SetDisconnected();
        await _channel.DisposeAsync();
    }

    private void OnDeliveryFailed(Exception error)
    {
        Log.SessionEndedByDeliveryFailure(_logger, (error as Webhooks.WebhookDeliveryException)?.MessageId, SessionId, _connection, error.Message);

        // Completing the incoming side stops the McpServer; the host then ends the session and its pending requests.
        SetDisconnected(error);
    }

    private McpEnvelope Envelope(JsonRpcMessage message) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Source = _appId,
        SessionId = SessionId,
        Connection = _connection,
        TraceParent = McpEventPublisher.CurrentTraceParent(),
        Message = message,
    };
}
