using System.Collections.Concurrent;
using AsyncMcp.Dapr.Server.Replies;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// The transport of a session served by its actor: incoming messages come from the actor; what the server sends goes
/// out through the pub/sub session transport, except the answers to replayed requests, which only the rebuild awaits.
/// Each published response is reported, so that the actor can take the request off its in-flight list. The requests
/// delivered and not answered yet are counted here, for the app's drain on shutdown.
/// </summary>
internal sealed class DurableSessionTransport : TransportBase
{
    private readonly SessionOutbox _outbound;
    private readonly Action<RequestId, string?> _answered;
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource> _replays = new();
    private readonly ConcurrentDictionary<RequestId, byte> _pending = new();
    // Answers being published, each completed once it is published and reported (or failed).
    private readonly ConcurrentDictionary<long, Task> _publishing = new();
    private long _publishes;

    /// <param name="sessionId">The session id.</param>
    /// <param name="outbound">Where the server's messages go; owned (disposed) by this transport.</param>
    /// <param name="answered">Told of each request answered: its id, and the CloudEvent id of the answer.</param>
    /// <param name="loggerFactory">The logger factory of the server.</param>
    public DurableSessionTransport(string sessionId, SessionOutbox outbound, Action<RequestId, string?> answered, ILoggerFactory loggerFactory)
        : base("dapr-pubsub-actor", loggerFactory)
    {
        SessionId = sessionId;
        _outbound = outbound;
        _answered = answered;
        SetConnected();
    }

    /// <summary>Sends to the client without reporting answers (for errors the actor itself sends).</summary>
    public SessionOutbox Outbox => _outbound;

    /// <summary>Requests handed to the server (not replayed) and not answered yet.</summary>
    public int PendingRequests => _pending.Count;

    /// <summary>Hands a message to the server.</summary>
    public Task DeliverAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        if (message is JsonRpcRequest request)
        {
            _pending.TryAdd(request.Id, 0);
        }
        else if (SessionMessages.CancelledId(message) is { } cancelled)
        {
            // A cancelled request gets no answer (MCP cancellation): nothing is left to wait for.
            _pending.TryRemove(SessionMessages.ParseId(cancelled), out _);
        }

        return WriteMessageAsync(message, cancellationToken);
    }

    /// <summary>
    /// Answers every request still unanswered with <see cref="Wire.McpWireErrorCodes.ShuttingDown"/>; each answer is
    /// reported as any other, so that the host takes it off its record of requests in flight.
    /// </summary>
    /// <returns>The ids (as JSON text) of the requests answered.</returns>
    public async Task<IReadOnlyList<string>> AbandonPendingAsync(string reason)
    {
        var answered = new List<string>();
        foreach (var id in _pending.Keys)
        {
            try
            {
                await SendMessageAsync(new JsonRpcError { Id = id, Error = new JsonRpcErrorDetail { Code = Wire.McpWireErrorCodes.ShuttingDown, Message = reason } })
                    .ConfigureAwait(false);
                answered.Add(SessionMessages.Id(id));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The reply route failed for good: the replica that takes the session over answers it.
                _pending.TryRemove(id, out _);
            }
        }

        return answered;
    }

    /// <summary>Replays a request; its answer is swallowed, and the returned task completes when it arrives.</summary>
    public async Task ReplayAsync(JsonRpcMessage message, CancellationToken cancellationToken)
    {
        if (message is not JsonRpcRequest request)
        {
            await WriteMessageAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _replays[request.Id] = answered;
        await WriteMessageAsync(request, cancellationToken).ConfigureAwait(false);
        await answered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        if (message is JsonRpcMessageWithId { Id: var id } && message is JsonRpcResponse or JsonRpcError && _replays.TryRemove(id, out var replay))
        {
            replay.TrySetResult();
            return;
        }

        if (message is not (JsonRpcResponse or JsonRpcError) || message is not JsonRpcMessageWithId { Id: var answeredId })
        {
            await _outbound.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        var key = Interlocked.Increment(ref _publishes);
        var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _publishing[key] = reported.Task;
        try
        {
            await _outbound.SendAsync(message, cancellationToken).ConfigureAwait(false);
            _pending.TryRemove(answeredId, out _);
            _answered(answeredId, Diagnostics.MessageIds.Get(message));
        }
        finally
        {
            _publishing.TryRemove(key, out _);
            reported.TrySetResult();
        }
    }

    /// <summary>
    /// Completes once every answer whose publish had started has been published and reported (or failed), or after
    /// <paramref name="bound"/>. A client may hold an answer, and send its next message, before the sidecar's reply to
    /// the publish is back here: the host waits on this before it records that message, so that its save takes the
    /// answer off the in-flight list.
    /// </summary>
    /// <param name="bound">How long to wait at most; a publish stuck longer is left to a later save.</param>
    /// <param name="time">The clock of the bound.</param>
    public async Task WhenAnswersPublishedAsync(TimeSpan bound, TimeProvider time)
    {
        if (_publishing.IsEmpty)
        {
            return;
        }

        try
        {
            await Task.WhenAll(_publishing.Values).WaitAsync(bound, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Left to the next save; until then the rule for a dead owner holds (the answer may be given again).
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        SetDisconnected();
        await _outbound.DisposeAsync().ConfigureAwait(false);
    }
}
