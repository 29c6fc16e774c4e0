using System.Collections.Concurrent;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// The transport of the private MCP server a task's tool runs in: the runner writes the requests of a client (the
/// handshake and the <c>tools/call</c>) and reads back their answers; everything else the server sends (progress, log
/// messages, elicitation and sampling requests) goes to <paramref name="onServerMessage"/>.
/// </summary>
internal sealed class TaskRunTransport(
    Func<JsonRpcMessage, CancellationToken, Task> onServerMessage,
    Microsoft.Extensions.Logging.ILoggerFactory loggerFactory) : TransportBase("dapr-task", loggerFactory)
{
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>> _pending = new();

    public void Open() => SetConnected();

    /// <summary>Sends a request to the server and waits for its response or error.</summary>
    public async Task<JsonRpcMessage> RequestAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.Id] = answer;
        try
        {
            await WriteMessageAsync(request, cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Hands the server a message as if the client had sent it (a notification, or the response to its request).</summary>
    public Task DeliverAsync(JsonRpcMessage message, CancellationToken cancellationToken) => WriteMessageAsync(message, cancellationToken);

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        if (message is JsonRpcResponse or JsonRpcError &&
            message is JsonRpcMessageWithId { Id: var id } &&
            _pending.TryGetValue(id, out var answer))
        {
            answer.TrySetResult(message);
            return;
        }

        await onServerMessage(message, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        SetDisconnected();
        foreach (var answer in _pending.Values)
        {
            answer.TrySetCanceled();
        }

        return ValueTask.CompletedTask;
    }
}
