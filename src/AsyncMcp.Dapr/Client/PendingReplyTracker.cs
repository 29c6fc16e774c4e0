using System.Collections.Concurrent;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Client;

/// <summary>
/// The requests of one client connection that await an answer: when each went out (for
/// <c>asyncmcp.client.request.duration</c>) and, with a reply timeout, ends those with
/// <see cref="McpWireErrorCodes.ReplyTimedOut"/> when nothing has come from the server for longer than the timeout, so
/// that a route the server can no longer reach (a webhook receiver it gave up on) ends in an error on the client
/// instead of a request that waits forever.
/// </summary>
internal sealed class PendingReplyTracker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<RequestId, Pending> _pending = new();
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Func<JsonRpcError, string?, Task> _fail;
    private readonly ITimer? _timer;
    private long _lastHeardTicks;

    /// <param name="timeout">How long a request may hear nothing from the server; <see langword="null"/>: for ever.</param>
    /// <param name="time">The clock.</param>
    /// <param name="fail">Ends a request: the error to hand to the client, and the CloudEvent id the request went out as.</param>
    public PendingReplyTracker(TimeSpan? timeout, TimeProvider time, Func<JsonRpcError, string?, Task> fail)
    {
        _timeout = timeout ?? System.Threading.Timeout.InfiniteTimeSpan;
        _time = time;
        _fail = fail;
        _lastHeardTicks = time.GetUtcNow().UtcTicks;
        if (timeout is { } limit)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(limit.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(5).Ticks));
            _timer = time.CreateTimer(_ => _ = CheckAsync(), null, period, period);
        }
    }

    /// <summary>The reply timeout; <see cref="Timeout.InfiniteTimeSpan"/> when there is none.</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>Records a request the client sent, with the CloudEvent id it went out as.</summary>
    public void Sent(JsonRpcRequest request, string? messageId) =>
        _pending[request.Id] = new Pending(_time.GetTimestamp(), _time.GetUtcNow(), request.Method, messageId);

    /// <summary>
    /// Records a message from the server: it shows the route works, and may answer a request, whose method and time
    /// in flight are then returned.
    /// </summary>
    public (string Method, TimeSpan Elapsed)? Received(JsonRpcMessage message)
    {
        Interlocked.Exchange(ref _lastHeardTicks, _time.GetUtcNow().UtcTicks);
        return message is JsonRpcMessageWithId { Id: var answered } and (JsonRpcResponse or JsonRpcError) && _pending.TryRemove(answered, out var request)
            ? (request.Method, _time.GetElapsedTime(request.Timestamp))
            : null;
    }

    /// <summary>Requests awaiting an answer.</summary>
    public int Count => _pending.Count;

    /// <summary>Ends every request awaiting an answer with the error given.</summary>
    public async Task FailAllAsync(int code, string message)
    {
        foreach (var (id, request) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                await _fail(new JsonRpcError { Id = id, Error = new JsonRpcErrorDetail { Code = code, Message = message } }, request.MessageId);
            }
        }
    }

    public ValueTask DisposeAsync() => _timer?.DisposeAsync() ?? default;

    /// <summary>Ends every request that has heard nothing for longer than the timeout (the timer calls it).</summary>
    internal async Task CheckAsync()
    {
        if (_timeout == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var lastHeard = new DateTimeOffset(Interlocked.Read(ref _lastHeardTicks), TimeSpan.Zero);
        foreach (var (id, request) in _pending)
        {
            var since = request.SentAt > lastHeard ? request.SentAt : lastHeard;
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
                }, request.MessageId);
            }
        }
    }

    private readonly record struct Pending(long Timestamp, DateTimeOffset SentAt, string Method, string? MessageId);
}
