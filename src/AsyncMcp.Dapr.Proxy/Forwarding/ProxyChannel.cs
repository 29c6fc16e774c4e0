using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol.Protocol;
using Log = AsyncMcp.Dapr.Proxy.Diagnostics.Log;

namespace AsyncMcp.Dapr.Proxy.Forwarding;

/// <summary>
/// Forwards raw JSON-RPC messages between one front client and one backend connection, unchanged except for what
/// routing needs: every front request gets a fresh backend id (and progress token), so that answers find their way
/// back to the request, and late answers to a request that timed out or was cancelled are dropped.
/// </summary>
/// <remarks>
/// Messages the server sends unprompted (notifications, server-to-client requests such as sampling or elicitation)
/// carry nothing that ties them to a request over the async transport. They go to the response stream of the most
/// recent request still in flight (the spec lets a server send them there), else to the session's own stream.
/// </remarks>
internal sealed class ProxyChannel : IAsyncDisposable
{
    private const string ListenMethod = "subscriptions/listen";

    private readonly ITransport _backend;
    private readonly TimeSpan _requestTimeout;
    private readonly ILogger _logger;
    private readonly PendingRequestTable _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private long _sequence;
    private readonly TimeProvider _time;
    private long _lastActivityTicks;
    private int _disposed;

    public ProxyChannel(ITransport backend, TimeSpan requestTimeout, TimeProvider time, ILogger logger)
    {
        // The idle sweep compares this with its own clock: both must read the same one.
        _time = time;
        _lastActivityTicks = time.GetUtcNow().UtcTicks;
        _backend = backend;
        _requestTimeout = requestTimeout;
        _logger = logger;
        _reader = Task.Run(ReadBackendAsync);
    }

    /// <summary>Where messages go that belong to no request in flight (the GET stream, or stdout); none when unset.</summary>
    public ITransport? SessionStream { get; set; }

    /// <summary>The session id the MCP server gave this channel's connection, once it has answered <c>initialize</c>.</summary>
    public string? BackendSessionId => _backend.SessionId;

    /// <summary>The front session this channel serves, for the log; <see langword="null"/> for sessionless requests and stdio.</summary>
    public string? FrontSessionId { get; init; }

    /// <summary>Called once the server answers -32001: the backend session is gone and the front session must end.</summary>
    public Func<Task>? BackendSessionLost { get; set; }

    /// <summary>The protocol version the server chose in its answer to <c>initialize</c>.</summary>
    public string? NegotiatedProtocolVersion { get; private set; }

    /// <summary>Requests forwarded and not answered yet.</summary>
    public int InFlight => _pending.Count;

    /// <summary>When a message last went through in either direction.</summary>
    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    /// <summary>
    /// Forwards one front message to the server. <paramref name="stream"/> is where the answer to a request goes;
    /// <paramref name="frontAborted"/> cancels the request on the server when the front gives up on it (sessionless
    /// requests only: for a session, a dropped connection is not a cancellation).
    /// </summary>
    public async Task ForwardAsync(JsonRpcMessage message, ITransport? stream, CancellationToken frontAborted)
    {
        Touch();
        switch (message)
        {
            case JsonRpcRequest request:
                await ForwardRequestAsync(request, stream, frontAborted);
                break;
            case JsonRpcNotification { Method: NotificationMethods.CancelledNotification } cancelled:
                await ForwardCancellationAsync(cancelled);
                break;
            default:
                // Notifications and answers to server-to-client requests: ids there are the server's own.
                await SendToBackendAsync(message);
                break;
        }
    }

    private async Task ForwardRequestAsync(JsonRpcRequest request, ITransport? stream, CancellationToken frontAborted)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var backendId = $"proxy-{sequence}";
        var backendToken = $"proxy-progress-{sequence}";
        var (parameters, frontToken) = MessageRewrites.WithProgressToken(request.Params, backendToken);
        var pending = new PendingRequest(sequence, backendId, request.Id, request.Method, stream, frontToken, frontToken is null ? null : backendToken);
        _pending.Add(pending);

        pending.Registrations = pending.Timeout.Token.Register(() => _ = TimeOutAsync(pending));
        if (request.Method != ListenMethod)
        {
            // A listen stream stays open for as long as its client wants it: no answer is awaited.
            pending.Timeout.CancelAfter(_requestTimeout);
        }

        if (frontAborted.CanBeCanceled)
        {
            pending.AbortRegistration = frontAborted.Register(() => _ = AbandonAsync(pending, "The client closed the request."));
        }

        var forwarded = new JsonRpcRequest { Id = new RequestId(backendId), Method = request.Method, Params = parameters };
        try
        {
            await _backend.SendMessageAsync(forwarded, _stop.Token);
            pending.MessageId = McpDaprTelemetry.MessageIdOf(forwarded);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            pending.MessageId = McpDaprTelemetry.MessageIdOf(forwarded);
            Log.ForwardFailed(_logger, LogText.Escape(request.Method)!, pending.MessageId, _backend.SessionId, FrontSessionId, ex);
            if (_pending.TryComplete(pending))
            {
                // Text that cannot be encoded (a lone surrogate) is the client's fault; a proxy that drains on its way down
                // says so; anything else is the way to the server.
                var answer = ex switch
                {
                    ArgumentException => Error(pending.FrontId, (int)ModelContextProtocol.McpErrorCode.InvalidParams, $"Invalid params: the request cannot be encoded as UTF-8: {ex.Message}"),
                    AppShuttingDownException => Error(pending.FrontId, McpWireErrorCodes.ShuttingDown, $"The proxy is shutting down and takes no new requests: {ex.Message}"),
                    _ => Error(pending.FrontId, ProxyErrorCodes.BackendUnavailable, $"The proxy could not reach the MCP server: {ex.Message}"),
                };
                await AnswerFrontAsync(pending, answer, pending.MessageId);
            }
        }
    }

    private async Task ForwardCancellationAsync(JsonRpcNotification cancelled)
    {
        var frontId = MessageRewrites.CancelledIdOf(cancelled);
        if (frontId.Id is null || !_pending.TryGetByFrontId(frontId, out var pending) || !_pending.TryComplete(pending))
        {
            return; // Already answered: nothing to cancel.
        }

        await SendToBackendAsync(new JsonRpcNotification { Method = cancelled.Method, Params = MessageRewrites.WithCancelledId(cancelled.Params!, pending.BackendId) });
    }

    private async Task ReadBackendAsync()
    {
        try
        {
            await foreach (var message in _backend.MessageReader.ReadAllAsync(_stop.Token))
            {
                Touch();
                try
                {
                    await RouteAsync(message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    Log.RouteFailed(_logger, message.GetType().Name, McpDaprTelemetry.MessageIdOf(message), _backend.SessionId, FrontSessionId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task RouteAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcResponse or JsonRpcError:
                await RouteAnswerAsync((JsonRpcMessageWithId)message);
                break;
            case JsonRpcNotification { Method: NotificationMethods.ProgressNotification } progress:
                await RouteProgressAsync(progress);
                break;
            case JsonRpcNotification notification when MessageRewrites.SubscriptionIdOf(notification) is not null:
                await RouteSubscriptionAsync(notification);
                break;
            default:
                await RouteUnpromptedAsync(message);
                break;
        }
    }

    private async Task RouteAnswerAsync(JsonRpcMessageWithId answer)
    {
        var messageId = McpDaprTelemetry.MessageIdOf(answer);
        if (answer.Id.Id is not string backendId || !_pending.TryGetByBackendId(backendId, out var pending) || !_pending.TryComplete(pending))
        {
            Log.DroppedLateAnswer(_logger, answer.Id.ToString(), messageId, _backend.SessionId, FrontSessionId);
            return;
        }

        if (answer is JsonRpcResponse response)
        {
            if (pending.Method == RequestMethods.Initialize && response.Result?["protocolVersion"] is JsonValue version &&
                version.TryGetValue<string>(out var negotiated))
            {
                NegotiatedProtocolVersion = negotiated;
            }

            await AnswerFrontAsync(pending, new JsonRpcResponse { Id = pending.FrontId, Result = response.Result }, messageId);
            return;
        }

        var error = ((JsonRpcError)answer).Error;
        await AnswerFrontAsync(pending, new JsonRpcError { Id = pending.FrontId, Error = error }, messageId);
        if (error.Code == McpWireErrorCodes.SessionNotFound && BackendSessionLost is { } lost)
        {
            Log.BackendSessionLost(_logger, _backend.SessionId, messageId, FrontSessionId);
            await lost();
        }
    }

    private async Task RouteProgressAsync(JsonRpcNotification progress)
    {
        if (MessageRewrites.ProgressTokenOf(progress) is not { } backendToken || !_pending.TryGetByProgressToken(backendToken, out var pending))
        {
            Log.DroppedLateAnswer(_logger, "progress", McpDaprTelemetry.MessageIdOf(progress), _backend.SessionId, FrontSessionId);
            return;
        }

        // Progress shows the server is working: the wait starts again.
        TryResetTimeout(pending);
        var parameters = MessageRewrites.WithFrontProgressToken(progress.Params!, pending.FrontProgressToken);
        await SendToFrontAsync(pending.Stream, new JsonRpcNotification { Method = progress.Method, Params = parameters }, McpDaprTelemetry.MessageIdOf(progress));
    }

    // A notification of a subscriptions/listen stream names its stream (the listen request's id): it goes to that
    // request's stream with the client's own id, or nowhere once the stream has ended.
    private async Task RouteSubscriptionAsync(JsonRpcNotification notification)
    {
        var messageId = McpDaprTelemetry.MessageIdOf(notification);
        if (MessageRewrites.SubscriptionIdOf(notification) is not { } id || !id.TryGetValue<string>(out var backendId) ||
            !_pending.TryGetByBackendId(backendId, out var pending))
        {
            Log.DroppedLateAnswer(_logger, notification.Method, messageId, _backend.SessionId, FrontSessionId);
            return;
        }

        var parameters = MessageRewrites.WithSubscriptionId(notification.Params!, pending.FrontId);
        await SendToFrontAsync(pending.Stream, new JsonRpcNotification { Method = notification.Method, Params = parameters }, messageId);
    }

    private async Task RouteUnpromptedAsync(JsonRpcMessage message)
    {
        var stream = _pending.MostRecentStream();
        try
        {
            await SendToFrontAsync(stream, message, McpDaprTelemetry.MessageIdOf(message), throwIfNowhere: message is JsonRpcRequest);
        }
        catch (Exception ex) when (message is JsonRpcRequest request && (ex is not OperationCanceledException || !_stop.IsCancellationRequested))
        {
            // The server must not wait forever for an answer the client can never give.
            await SendToBackendAsync(new JsonRpcError
            {
                Id = request.Id,
                Error = new JsonRpcErrorDetail { Code = (int)ModelContextProtocol.McpErrorCode.InternalError, Message = $"The proxy could not deliver '{request.Method}' to the client: {ex.Message}" },
            });
        }
    }

    private async Task TimeOutAsync(PendingRequest pending)
    {
        if (!_pending.TryComplete(pending))
        {
            return;
        }

        Log.RequestTimedOut(_logger, LogText.Escape(pending.Method)!, pending.MessageId, _backend.SessionId, FrontSessionId, _requestTimeout);
        await AnswerFrontAsync(pending, Error(pending.FrontId, ProxyErrorCodes.BackendTimeout,
            $"The MCP server did not answer '{pending.Method}' within {_requestTimeout.TotalSeconds:0.#} s; the proxy cancelled the request."), pending.MessageId);
        await CancelOnBackendAsync(pending, "The proxy's request timeout elapsed.");
    }

    private async Task AbandonAsync(PendingRequest pending, string reason)
    {
        if (_pending.TryComplete(pending))
        {
            await CancelOnBackendAsync(pending, reason);
        }
    }

    private Task CancelOnBackendAsync(PendingRequest pending, string reason) =>
        SendToBackendAsync(new JsonRpcNotification
        {
            Method = NotificationMethods.CancelledNotification,
            Params = new JsonObject { ["requestId"] = pending.BackendId, ["reason"] = reason },
        });

    private void TryResetTimeout(PendingRequest pending)
    {
        try
        {
            pending.Timeout.CancelAfter(_requestTimeout);
        }
        catch (ObjectDisposedException)
        {
            // Completed meanwhile.
        }
    }

    // messageId: the CloudEvent id of what the front message stems from (the server's answer, or the request), for the log.
    private Task AnswerFrontAsync(PendingRequest pending, JsonRpcMessage answer, string? messageId) => SendToFrontAsync(pending.Stream, answer, messageId);

    private async Task SendToFrontAsync(ITransport? stream, JsonRpcMessage message, string? messageId, bool throwIfNowhere = false)
    {
        var target = stream ?? SessionStream;
        if (target is null)
        {
            if (throwIfNowhere)
            {
                throw new InvalidOperationException("The client has no open stream.");
            }

            Log.DroppedNoStream(_logger, message.GetType().Name, messageId, _backend.SessionId, FrontSessionId);
            return;
        }

        try
        {
            await target.SendMessageAsync(message, _stop.Token);
        }
        catch (Exception ex) when (!throwIfNowhere && (ex is not OperationCanceledException || !_stop.IsCancellationRequested))
        {
            // The client went away; for a session it may come back and learn the outcome by other means.
            Log.FrontSendFailed(_logger, message.GetType().Name, messageId, _backend.SessionId, FrontSessionId, ex);
        }
    }

    private async Task SendToBackendAsync(JsonRpcMessage message)
    {
        try
        {
            await _backend.SendMessageAsync(message, _stop.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            Log.ForwardFailed(_logger, message.GetType().Name, McpDaprTelemetry.MessageIdOf(message), _backend.SessionId, FrontSessionId, ex);
        }
    }

    private static JsonRpcError Error(RequestId id, int code, string text) =>
        new() { Id = id, Error = new JsonRpcErrorDetail { Code = code, Message = text } };

    private void Touch() => Interlocked.Exchange(ref _lastActivityTicks, _time.GetUtcNow().UtcTicks);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var pending in _pending.All)
        {
            if (_pending.TryComplete(pending))
            {
                await CancelOnBackendAsync(pending, "The client's session ended.");
            }
        }

        await _stop.CancelAsync();
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _backend.DisposeAsync();
        _stop.Dispose();
    }
}
