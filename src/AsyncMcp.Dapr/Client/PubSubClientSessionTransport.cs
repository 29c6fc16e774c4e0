using System.Security.Cryptography;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Client;

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
    private readonly McpDaprMetrics _metrics;
    private readonly ILogger _logger;
    private readonly PendingReplyTracker _pending;
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
        TimeProvider time,
        McpDaprMetrics metrics,
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
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger<PubSubClientSessionTransport>();
        Connection = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        _pending = new PendingReplyTracker(replyTimeout, time, FailPendingAsync);

        _router.Register(this);
        SetConnected();
    }

    /// <summary>The id of this connection, carried in <see cref="McpCloudEventAttributes.Connection"/>.</summary>
    public string Connection { get; }

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        using var activity = Telemetry.StartPublish(message, _serverTopic, SessionId);
        _metrics.Published(_serverTopic);
        var messageId = Guid.NewGuid().ToString("N");
        MessageIds.Set(message, messageId);
        using var scope = Log.BeginMessageScope(_logger, messageId, SessionId);
        var bytes = _publisher.Encode(McpEnvelope.Create(_appId, SessionId, Connection, message, _replyTo, messageId));

        if (bytes.Length > _maxMessageBytes)
        {
            throw new InvalidOperationException(
                $"The message is {bytes.Length} bytes, larger than the wire limit of {_maxMessageBytes} bytes.");
        }

        if (message is JsonRpcRequest request)
        {
            if (_router.IsDraining)
            {
                // Answers to the server's own requests and notifications still go out: they help the work in flight finish.
                throw new AppShuttingDownException(
                    $"The app is shutting down and sends no new requests ('{request.Method}' was not sent; error {McpWireErrorCodes.ShuttingDown}).");
            }

            await _router.WaitUntilSubscribedAsync(cancellationToken);
            _pending.Sent(request, messageId);
        }

        await _publisher.PublishAsync(_pubSubName, _serverTopic, bytes, cancellationToken);
        Log.Published(_logger, Telemetry.MethodOf(message), messageId, SessionId, _serverTopic);
    }

    /// <summary>Requests sent on this connection and not answered yet.</summary>
    public int PendingRequests => _pending.Count;

    /// <summary>Ends every request still awaiting its answer with <see cref="McpWireErrorCodes.ShuttingDown"/>.</summary>
    public Task AbandonPendingAsync(string reason) => _pending.FailAllAsync(McpWireErrorCodes.ShuttingDown, reason);

    /// <summary>Takes one message from the server.</summary>
    public Task ReceiveAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (SessionId is null && envelope.SessionId is not null)
        {
            SessionId = envelope.SessionId;
        }

        MessageIds.Set(envelope.Message!, envelope.Id);
        if (_pending.Received(envelope.Message!) is { } answered)
        {
            _metrics.RequestAnswered(answered.Elapsed, answered.Method);
        }

        return WriteMessageAsync(envelope.Message!, cancellationToken);
    }

    // Ends a request the server went silent on, logged with the id of the request's event.
    private async Task FailPendingAsync(JsonRpcError error, string? messageId)
    {
        if (error.Error.Code == McpWireErrorCodes.ReplyTimedOut)
        {
            Log.ReplyTimedOut(_logger, messageId, SessionId, error.Id.ToString(), _pending.Timeout);
        }

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
        await _pending.DisposeAsync();

        if (SessionId is { } sessionId)
        {
            var closeId = Guid.NewGuid().ToString("N");
            try
            {
                // Tell the server now rather than letting the session wait for its idle timeout.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var scope = Log.BeginMessageScope(_logger, closeId, sessionId);
                var close = _publisher.Encode(McpEnvelope.Create(
                    _appId, sessionId, Connection, message: null, _replyTo, closeId, McpCloudEventTypes.SessionClose));
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
