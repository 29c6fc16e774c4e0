using AsyncMcp.Dapr.Server.Replies;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// The <see cref="ITransport"/> of a session (or sessionless lane) held in this process's memory: messages come in
/// from the host, everything the <c>McpServer</c> sends goes out through the session's <see cref="SessionOutbox"/>.
/// When the outbox gives up on a delivery for good, the transport disconnects, which ends the session and every
/// request still pending in it. It keeps what the idle sweep needs: the last activity and the requests unanswered.
/// </summary>
internal sealed class InMemorySessionTransport : TransportBase
{
    private readonly SessionOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RequestId, byte> _pending = new();
    private long _lastActivityTicks;

    public InMemorySessionTransport(SessionOutboxFactory outboxes, string? sessionId, Wire.McpEnvelope opener, TimeProvider time, ILoggerFactory loggerFactory)
        : base($"dapr-{opener.ReplyTo!.Scheme}", loggerFactory)
    {
        SessionId = sessionId;
        _time = time;
        _lastActivityTicks = time.GetUtcNow().UtcTicks;
        _outbox = outboxes.Open(sessionId, opener.ReplyTo!, opener.Connection, OnDeliveryFailed);
        SetConnected();
    }

    /// <summary>When a message last went in or out of this session.</summary>
    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    /// <summary>Requests from the client that have not been answered yet.</summary>
    public int PendingRequests => _pending.Count;

    /// <summary>Hands an incoming message to the session's <c>McpServer</c>.</summary>
    public async Task DeliverAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        Touch();
        if (message is JsonRpcRequest request)
        {
            _pending.TryAdd(request.Id, 0);
        }

        // Handlers run in the context of the delivery, so that their spans and replies join the message's trace.
        message.Context ??= new JsonRpcMessageContext();
        message.Context.ExecutionContext = ExecutionContext.Capture();
        await WriteMessageAsync(message, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        Touch();
        await _outbox.SendAsync(message, cancellationToken);
        if (message is JsonRpcMessageWithId { Id: var id } and (JsonRpcResponse or JsonRpcError))
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Answers every request still unanswered with <see cref="Wire.McpWireErrorCodes.ShuttingDown"/>.</summary>
    public async Task AbandonPendingAsync(string reason)
    {
        foreach (var id in _pending.Keys)
        {
            try
            {
                await SendMessageAsync(new JsonRpcError { Id = id, Error = new JsonRpcErrorDetail { Code = Wire.McpWireErrorCodes.ShuttingDown, Message = reason } });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The reply route failed for good: the session ends with it; nothing more can reach the client.
                _pending.TryRemove(id, out _);
            }
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        SetDisconnected();
        await _outbox.DisposeAsync();
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivityTicks, _time.GetUtcNow().UtcTicks);

    // Completing the incoming side stops the McpServer; the host then ends the session and its pending requests.
    private void OnDeliveryFailed(Exception error) => SetDisconnected(error);
}
