using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Transports;

/// <summary>
/// The <see cref="ITransport"/> of one server-side MCP session (or one sessionless lane): messages come in from the
/// session host, and everything the <c>McpServer</c> sends is published to the session's reply address.
/// </summary>
internal sealed class PubSubServerSessionTransport : TransportBase
{
    private readonly McpEventPublisher _publisher;
    private readonly ReplyAddress _replyTo;
    private readonly string? _connection;
    private readonly string _appId;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;
    private int _pendingRequests;

    public PubSubServerSessionTransport(
        string? sessionId,
        ReplyAddress replyTo,
        string? connection,
        string appId,
        int maxMessageBytes,
        McpEventPublisher publisher,
        ILoggerFactory loggerFactory)
        : base("dapr-pubsub", loggerFactory)
    {
        SessionId = sessionId;
        _replyTo = replyTo;
        _connection = connection;
        _appId = appId;
        _maxMessageBytes = maxMessageBytes;
        _publisher = publisher;
        _logger = loggerFactory.CreateLogger<PubSubServerSessionTransport>();
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
        using var activity = Telemetry.StartPublish(message, _replyTo.Target, SessionId);
        var bytes = _publisher.Encode(Envelope(message));
        if (bytes.Length > _maxMessageBytes)
        {
            Log.OutgoingTooLarge(_logger, SessionId, bytes.Length, _maxMessageBytes);
            switch (message)
            {
                case JsonRpcMessageWithId { Id: var id } when message is JsonRpcResponse or JsonRpcError:
                    // The requester must not wait forever for a result that cannot travel: answer with an error instead.
                    bytes = _publisher.Encode(Envelope(new JsonRpcError
                    {
                        Id = id,
                        Error = new JsonRpcErrorDetail
                        {
                            Code = McpWireErrorCodes.MessageTooLarge,
                            Message = $"The result is {bytes.Length} bytes, larger than the wire limit of {_maxMessageBytes} bytes.",
                        },
                    }));
                    break;
                case JsonRpcRequest:
                    throw new InvalidOperationException(
                        $"The request is {bytes.Length} bytes, larger than the wire limit of {_maxMessageBytes} bytes.");
                default:
                    return; // A notification that cannot travel is dropped; it was logged above.
            }
        }

        await _publisher.PublishAsync(_replyTo.Component, _replyTo.Target, bytes, cancellationToken);
        if (message is JsonRpcResponse or JsonRpcError)
        {
            Interlocked.Decrement(ref _pendingRequests);
        }
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        SetDisconnected();
        return default;
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
