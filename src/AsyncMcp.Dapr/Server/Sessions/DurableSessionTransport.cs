using System.Collections.Concurrent;
using AsyncMcp.Dapr.Server.Replies;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// The transport of a session served by its actor: incoming messages come from the actor; what the server sends goes
/// out through the pub/sub session transport, except the answers to replayed requests, which only the rebuild awaits.
/// Each published response is reported, so that the actor can take the request off its in-flight list.
/// </summary>
internal sealed class DurableSessionTransport : TransportBase
{
    private readonly SessionOutbox _outbound;
    private readonly Action<RequestId, string?> _answered;
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource> _replays = new();

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

    /// <summary>Hands a message to the server.</summary>
    public Task DeliverAsync(JsonRpcMessage message, CancellationToken cancellationToken) => WriteMessageAsync(message, cancellationToken);

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

        await _outbound.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message is JsonRpcMessageWithId { Id: var answeredId } && message is JsonRpcResponse or JsonRpcError)
        {
            _answered(answeredId, Diagnostics.MessageIds.Get(message));
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        SetDisconnected();
        await _outbound.DisposeAsync().ConfigureAwait(false);
    }
}
