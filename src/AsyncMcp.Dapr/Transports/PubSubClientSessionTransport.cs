using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Transports;

/// <summary>
/// One client connection: publishes the client's messages to the server topic and receives, through the
/// <see cref="ReplyRouter"/>, everything the server sends back. The session id arrives with the answer to
/// <c>initialize</c> and is attached to every later message.
/// </summary>
internal sealed class PubSubClientSessionTransport : TransportBase
{
    private readonly McpEventPublisher _publisher;
    private readonly ReplyRouter _router;
    private readonly string _appId;
    private readonly string _pubSubName;
    private readonly string _serverTopic;
    private readonly ReplyAddress _replyTo;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;
    private readonly PendingReplyTracker? _replyDeadlines;
    private readonly TimeSpan _replyTimeout;
    private readonly ConcurrentDictionary<RequestId, (long Started, string Method)> _pending = new();
    private int _disposed;

    public PubSubClientSessionTransport(
        McpEventPublisher publisher,
        ReplyRouter router,
        string appId,
        string pubSubName,
        string serverTopic,
        ReplyAddress replyTo,
        int maxMessageBytes,
        TimeSpan? replyTimeout,
        ILoggerFactory loggerFactory)
        : base("dapr-pubsub-client", loggerFactory)
    {
        _publisher = publisher;
        _router = router;
        _appId = appId;
        _pubSubName = pubSubName;
        _serverTopic = serverTopic;
        _replyTo = replyTo;
        _maxMessageBytes = maxMessageBytes;
        _logger = loggerFactory.CreateLogger<PubSubClientSessionTransport>();
        Connection = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        _replyTimeout = replyTimeout ?? Timeout.InfiniteTimeSpan;
        if (replyTimeout is { } timeout)
        {
            _replyDeadlines = new PendingReplyTracker(timeout, TimeProvider.System, FailPendingAsync);
        }

        _router.Register(this);
        SetConnected();
    }

    /// <summary>The id of this connection, carried in <see cref="McpCloudEventAttributes.Connection"/>.</summary>
    public string Connection { get; }

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        using var activity = Telemetry.StartPublish(message, _serverTopic, SessionId);
        var messageId = Guid.NewGuid().ToString("N");
        MessageIds.Set(message, messageId);
        using var scope = Log.BeginMessageScope(_logger, messageId, SessionId);
        var bytes = _publisher.Encode(new McpEnvelope
        {
            Id = messageId,
            Source = _appId,
            SessionId = SessionId,
            ReplyTo = _replyTo,
            Connection = Connection,
            TraceParent = McpEventPublisher.CurrentTraceParent(),
            Message = message,
        });

        if (bytes.Length > _maxMessageBytes)
        {
            throw new InvalidOperationException(
                $"The message is {bytes.Length} bytes, larger than the wire limit of {_maxMessageBytes} bytes.");
        }

        if (message is JsonRpcRequest request)
        {
            _pending[request.Id] = (Stopwatch.GetTimestamp(), request.Method);
        }

        await _publisher.PublishAsync(_pubSubName, _serverTopic, bytes, cancellationToken);
        Log.Published(_logger, Telemetry.MethodOf(message), messageId, SessionId, _serverTopic);
        _replyDeadlines?.Sent(message, messageId);
    }

    /// <summary>Takes one message from the server.</summary>
    public Task ReceiveAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (SessionId is null && envelope.SessionId is not null)
        {
            SessionId = envelope.SessionId;
        }

        MessageIds.Set(envelope.Message!, envelope.Id);
        _replyDeadlines?.Received(envelope.Message!);
        if (envelope.Message is JsonRpcMessageWithId { Id: var id } and (JsonRpcResponse or JsonRpcError) && _pending.TryRemove(id, out var request))
        {
            Telemetry.RequestDuration.Record(
                Stopwatch.GetElapsedTime(request.Started).TotalSeconds, new KeyValuePair<string, object?>("mcp.method.name", request.Method));
        }

        return WriteMessageAsync(envelope.Message!, cancellationToken);
    }

    // Ends a request the server went silent on, logged with the id of the request's event.
    private async Task FailPendingAsync(JsonRpcError error, string? messageId)
    {
        Log.ReplyTimedOut(_logger, messageId, SessionId, error.Id.ToString(), _replyTimeout);
        using var scope = messageId is null ? null : Log.BeginMessageScope(_logger, messageId, SessionId);
        await WriteMessageAsync(error);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _router.Unregister(this);
        if (_replyDeadlines is not null)
        {
            await _replyDeadlines.DisposeAsync();
        }

        if (SessionId is { } sessionId)
        {
            var closeId = Guid.NewGuid().ToString("N");
            try
            {
                // Tell the server now rather than letting the session wait for its idle timeout.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var scope = Log.BeginMessageScope(_logger, closeId, sessionId);
                var close = _publisher.Encode(new McpEnvelope
                {
                    Id = closeId,
                    Source = _appId,
                    Type = McpCloudEventTypes.SessionClose,
                    SessionId = sessionId,
                    ReplyTo = _replyTo,
                    Connection = Connection,
                });
                await _publisher.PublishAsync(_pubSubName, _serverTopic, close, timeout.Token);
                Log.Published(_logger, McpCloudEventTypes.SessionClose, closeId, sessionId, _serverTopic);
            }
            catch (Exception ex)
            {
                Log.CloseFailed(_logger, ex, closeId, sessionId);
            }
        }

        SetDisconnected();
    }
}
