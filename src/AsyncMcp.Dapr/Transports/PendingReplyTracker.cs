using System.Collections.Concurrent;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Transports;

/// <summary>
/// Ends a client's pending requests with <see cref="McpWireErrorCodes.ReplyTimedOut"/> when nothing has come from
/// the server for longer than the reply timeout, so that a route the server can no longer reach (a webhook receiver
/// it gave up on) ends in an error on the client instead of a request that waits forever.
/// </summary>
internal sealed class PendingReplyTracker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<RequestId, (DateTimeOffset SentAt, string? MessageId)> _pending = new();
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Func<JsonRpcError, string?, Task> _fail;
    private readonly ITimer _timer;
    private long _lastHeardTicks;

    /// <param name="timeout">How long a request may hear nothing from the server.</param>
    /// <param name="time">The clock.</param>
    /// <param name="fail">Ends a request: the error to hand to the client, and the CloudEvent id the request went out as.</param>
    public PendingReplyTracker(TimeSpan timeout, TimeProvider time, Func<JsonRpcError, string?, Task> fail)
    {
        _timeout = timeout;
        _time = time;
        _fail = fail;
        _lastHeardTicks = time.GetUtcNow().UtcTicks;
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _timer = time.CreateTimer(_ => _ = CheckAsync(), null, period, period);
    }

    /// <summary>Records a request the client sent, with the CloudEvent id it went out as.</summary>
    public void Sent(JsonRpcMessage message, string? messageId)
    {
        if (message is JsonRpcRequest request)
        {
            _pending[request.Id] = (_time.GetUtcNow(), messageId);
        }
    }

    /// <summary>Records a message from the server: it shows the route works, and may answer a request.</summary>
    public void Received(JsonRpcMessage message)
    {
        Interlocked.Exchange(ref _lastHeardTicks, _time.GetUtcNow().UtcTicks);
        if (message is JsonRpcMessageWithId { Id: var answered } and (JsonRpcResponse or JsonRpcError))
        {
            _pending.TryRemove(answered, out _);
        }
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();

    private async Task CheckAsync()
    {
        var now = _time.GetUtcNow();
        var lastHeard = new DateTimeOffset(Interlocked.Read(ref _lastHeardTicks), TimeSpan.Zero);
        foreach (var (id, (sentAt, messageId)) in _pending)
        {
            var since = sentAt > lastHeard ? sentAt : lastHeard;
            if (now - since > _timeout && _pending.TryRemove(id, out _))
            {
                await _fail(new JsonRpcError
                {
                    Id = id,
                    Error = new JsonRpcErrorDetail
                    {
                        Code = McpWireErrorCodes.ReplyTimedOut,
                        Message = $"Nothing came from the server for {_timeout}. If replies come by webhook, the server may have given up " +
                            "delivering to this client's receiver, or refused its reply binding: see the server's log.",
                    },
                }, messageId);
            }
        }
    }
}
