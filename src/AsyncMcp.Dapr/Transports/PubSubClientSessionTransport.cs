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
        if (replyTimeout is { } timeout)
        {
            _replyDeadlines = new PendingReplyTracker(timeout, TimeProvider.System, error => WriteMessageAsync(error));
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
        var bytes = _publisher.Encode(new McpEnvelope
        {
            Id = Guid.NewGuid().ToString("N"),
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
        _replyDeadlines?.Sent(message);
    }

    /// <summary>Takes one message from the server.</summary>
    public Task ReceiveAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (SessionId is null && envelope.SessionId is not null)
        {
            SessionId = envelope.SessionId;
        }

        _replyDeadlines?.Received(envelope.Message!);
        if (envelope.Message is JsonRpcMessageWithId { Id: var id } and (JsonRpcResponse or JsonRpcError) && _pending.TryRemove(id, out var request))
        {
            Telemetry.RequestDuration.Record(
                Stopwatch.GetElapsedTime(request.Started).TotalSeconds, new KeyValuePair<string, object?>("mcp.method.name", request.Method));
        }

        return WriteMessageAsync(envelope.Message!, cancellationToken);
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
            try
            {
                // Tell the server now rather than letting the session wait for its idle timeout.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var close = _publisher.Encode(new McpEnvelope
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Source = _appId,
                    Type = McpCloudEventTypes.SessionClose,
                    SessionId = sessionId,
                    ReplyTo = _replyTo,
                    Connection = Connection,
                });
                await _publisher.PublishAsync(_pubSubName, _serverTopic, close, timeout.Token);
            }
            catch (Exception ex)
            {
                Log.CloseFailed(_logger, ex, sessionId);
            }
        }

        SetDisconnected();
    }
}
