using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// The HTTP response to one sessionless request, fed by the proxy channel with what the server sends for it. The answer
/// alone goes back as one <c>application/json</c> body; anything the server sends before it (progress, log messages)
/// makes the response a <c>text/event-stream</c> that ends with the answer. Streamable HTTP lets the server choose
/// either for each request, and a single JSON body costs the client and the proxy no event-stream framing.
/// </summary>
internal sealed class SessionlessResponse : TransportBase
{
    private static readonly JsonSerializerOptions JsonOptions = McpJsonUtilities.DefaultOptions;
    private static readonly byte[] EventPrefix = "event: message\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    private readonly HttpContext _context;
    private readonly RequestId _requestId;
    private readonly Func<HttpContext, JsonRpcMessage?, ValueTask> _setStatus;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _streaming;

    /// <param name="context">The HTTP exchange of the request.</param>
    /// <param name="requestId">The client's id of the request.</param>
    /// <param name="setStatus">Sets the status line from an error answer, before anything is written.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    public SessionlessResponse(HttpContext context, RequestId requestId, Func<HttpContext, JsonRpcMessage?, ValueTask> setStatus, ILoggerFactory loggerFactory)
        : base("proxy-sessionless-response", loggerFactory)
    {
        _context = context;
        _requestId = requestId;
        _setStatus = setStatus;
        SetConnected();
    }

    /// <summary>Completes once the answer is written.</summary>
    public Task Answered => _answered.Task;

    /// <inheritdoc />
    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        var isAnswer = message is JsonRpcResponse or JsonRpcError && ((JsonRpcMessageWithId)message).Id.Equals(_requestId);
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_answered.Task.IsCompleted)
            {
                return;
            }

            var response = _context.Response;
            if (isAnswer && !_streaming)
            {
                await _setStatus(_context, message).ConfigureAwait(false);
                response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(response.Body, message, JsonOptions.GetTypeInfo(typeof(JsonRpcMessage)), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (!_streaming)
                {
                    _streaming = true;
                    StreamableHttpFront.InitializeSseResponse(_context);
                }

                await response.Body.WriteAsync(EventPrefix, cancellationToken).ConfigureAwait(false);
                await JsonSerializer.SerializeAsync(response.Body, message, JsonOptions.GetTypeInfo(typeof(JsonRpcMessage)), cancellationToken).ConfigureAwait(false);
                await response.Body.WriteAsync(EventEnd, cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (isAnswer)
            {
                _answered.TrySetResult();
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        SetDisconnected();
        _answered.TrySetCanceled();
        return default;
    }
}
