using System.Text.Json;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Forwarding;
using AsyncMcp.Dapr.Server.Http;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// The Streamable HTTP endpoint (POST, GET, DELETE on one path). The HTTP rules of the transport (headers, status
/// codes, sessions) are here; the streams of sessions are the MCP SDK's <see cref="StreamableHttpServerTransport"/>.
/// 2025-11-25 clients get a session per <c>initialize</c>; requests whose <c>MCP-Protocol-Version</c> is 2026-07-28 or
/// later are served without a session (<see cref="SessionlessPostHandler"/>).
/// </summary>
internal sealed class StreamableHttpFront(
    FrontSessionRegistry sessions,
    SessionlessPostHandler sessionless,
    IOptions<ProxyOptions> options,
    IHostApplicationLifetime lifetime)
{
    public const string SessionIdHeader = "Mcp-Session-Id";
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";
    public const string LastEventIdHeader = "Last-Event-ID";

    private readonly ProxyOptions _options = options.Value;

    public async Task HandlePostAsync(HttpContext context)
    {
        var request = context.Request;
        var accept = request.GetTypedHeaders().Accept;
        if (!accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) ||
            !accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)))
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status406NotAcceptable, HttpJsonRpcErrors.TransportRefusal,
                "Not Acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }

        if (!request.HasJsonContentType())
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, HttpJsonRpcErrors.TransportRefusal,
                "Unsupported Media Type: the body must be application/json.");
            return;
        }

        var version = request.Headers[ProtocolVersionHeader].ToString();
        if (!await CheckVersionHeaderAsync(context, version))
        {
            return;
        }

        var message = await ReadMessageAsync(context, ProtocolVersions.IsSessionless(version));
        if (message is null)
        {
            return;
        }

        message.Context = new JsonRpcMessageContext { ProtocolVersion = version.Length > 0 ? version : null };
        var requestId = message is JsonRpcRequest r ? r.Id : default;
        if (ProtocolVersions.IsSessionless(version))
        {
            await sessionless.HandleAsync(context, message, version, requestId);
            return;
        }

        var opening = !request.Headers.ContainsKey(SessionIdHeader);
        var session = await FindOrOpenSessionAsync(context, message, version, requestId);
        if (session is null)
        {
            return;
        }

        InitializeSseResponse(context);
        try
        {
            if (!await session.Transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted))
            {
                context.Response.Headers.ContentType = default;
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || !sessions.TryGet(session.Id, out _))
        {
            // The client went away, or the session ended under the request.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever the transport could not take must not leave a session slot behind, nor end as an empty 500.
            if (opening)
            {
                sessions.Close(session.Id, "its initialize could not be handled");
                context.Response.Headers.Remove(SessionIdHeader);
            }

            context.Response.Headers.ContentType = default;
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.InvalidRequest,
                $"Bad Request: the message could not be handled: {ex.Message}", requestId);
        }
    }

    public async Task HandleGetAsync(HttpContext context)
    {
        if (!await AcceptsSessionMethodAsync(context, "has no GET stream"))
        {
            return;
        }

        if (!context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)))
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status406NotAcceptable, HttpJsonRpcErrors.TransportRefusal,
                "Not Acceptable: the client must accept text/event-stream.");
            return;
        }

        if (await FindSessionAsync(context, default) is not { } session)
        {
            return;
        }

        var lastEventId = context.Request.Headers[LastEventIdHeader].ToString();
        if (lastEventId.Length > 0)
        {
            await ResumeAsync(context, session, lastEventId);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        InitializeSseResponse(context);
        try
        {
            await session.Transport.HandleGetRequestAsync(context.Response.Body, stop.Token);
        }
        catch (InvalidOperationException) when (!context.Response.HasStarted)
        {
            context.Response.Headers.ContentType = default;
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, HttpJsonRpcErrors.TransportRefusal,
                "Bad Request: this session already has its GET stream; resume a stream with Last-Event-ID instead.");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client or the proxy closed the stream.
        }
    }

    // Replays what the client missed of one stream after the event it names, then follows the stream until it ends.
    private async Task ResumeAsync(HttpContext context, FrontSession session, string lastEventId)
    {
#pragma warning disable MCP9006 // Obsolete for the SDK's own stateful server only; 2025-11-25 clients resume streams with it.
        var reader = session.Events is { } events ? await events.GetStreamReaderAsync(lastEventId, context.RequestAborted) : null;
#pragma warning restore MCP9006
        if (reader is null)
        {
            var why = session.Events is null
                ? "this proxy keeps no events (Proxy:ResumableEventsPerSession is 0)"
                : $"the event is unknown in this session, or the events after it were dropped (the proxy keeps {_options.ResumableEventsPerSession} events per session)";
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, HttpJsonRpcErrors.TransportRefusal,
                $"Bad Request: the stream of Last-Event-ID '{LogText.Escape(lastEventId)}' cannot be resumed: {why}. Send the request again.");
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        InitializeSseResponse(context);
        try
        {
            await SseEvents.WriteAsync(reader, context.Response.Body, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client or the proxy closed the stream.
        }
        catch (McpException)
        {
            // Events were dropped under the replay: end the stream; resuming from its last id now answers 400.
        }
    }

    public async Task HandleDeleteAsync(HttpContext context)
    {
        if (!await AcceptsSessionMethodAsync(context, "has no sessions to end"))
        {
            return;
        }

        // As the SDK's server: 200 whether or not the session (still) exists, so that ending a session is idempotent.
        var id = context.Request.Headers[SessionIdHeader].ToString();
        if (id.Length > 0 && sessions.TryGet(id, out var session))
        {
            // The backend session ends too: the client transport sends the close event when it is disposed.
            sessions.Close(session.Id, "ended by the client (DELETE)");
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    // GET and DELETE exist only for sessions (2025-11-25): refused with 405 under the sessionless protocol.
    private static async Task<bool> AcceptsSessionMethodAsync(HttpContext context, string sessionlessRefusal)
    {
        var version = context.Request.Headers[ProtocolVersionHeader].ToString();
        if (!await CheckVersionHeaderAsync(context, version))
        {
            return false;
        }

        if (ProtocolVersions.IsSessionless(version))
        {
            context.Response.Headers.Allow = HttpMethods.Post;
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, HttpJsonRpcErrors.TransportRefusal,
                $"Method Not Allowed: protocol {version} {sessionlessRefusal}.");
            return false;
        }

        return true;
    }

    private async Task<FrontSession?> FindOrOpenSessionAsync(HttpContext context, JsonRpcMessage message, string version, RequestId requestId)
    {
        if (context.Request.Headers.ContainsKey(SessionIdHeader))
        {
            var session = await FindSessionAsync(context, requestId);
            if (session is not null && version.Length > 0 && session.Channel.NegotiatedProtocolVersion is { } negotiated &&
                !string.Equals(version, negotiated, StringComparison.Ordinal))
            {
                // As the SDK's server: the session refuses the request inside its response stream (HTTP 200).
                await RefuseInStreamAsync(context, message, requestId,
                    $"Invalid Request: the {ProtocolVersionHeader} header '{version}' differs from the session's protocol '{negotiated}'.");
                return null;
            }

            return session;
        }

        if (message is not JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, HttpJsonRpcErrors.TransportRefusal,
                $"Bad Request: the {SessionIdHeader} header is required; only initialize opens a session.", requestId);
            return null;
        }

        FrontSession? opened;
        try
        {
            opened = await sessions.OpenAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ProxyErrorCodes.BackendUnavailable,
                $"Service Unavailable: the proxy could not reach the MCP server: {ex.Message}", requestId);
            return null;
        }

        if (opened is null)
        {
            context.Response.Headers.RetryAfter = "5";
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ProxyErrorCodes.TooManySessions,
                $"Service Unavailable: the proxy already has {_options.MaxSessions} sessions open.", requestId);
            return null;
        }

        context.Response.Headers[SessionIdHeader] = opened.Id;
        return opened;
    }

    private static async Task RefuseInStreamAsync(HttpContext context, JsonRpcMessage message, RequestId requestId, string text)
    {
        if (message is not JsonRpcRequest)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        InitializeSseResponse(context);
        var error = new JsonRpcError { Id = requestId, Error = new JsonRpcErrorDetail { Code = (int)McpErrorCode.InvalidRequest, Message = text } };
        await context.Response.WriteAsync($"event: message\ndata: {JsonSerializer.Serialize<JsonRpcMessage>(error, McpJsonUtilities.DefaultOptions)}\n\n", context.RequestAborted);
    }

    private async Task<FrontSession?> FindSessionAsync(HttpContext context, RequestId requestId)
    {
        var id = context.Request.Headers[SessionIdHeader].ToString();
        if (id.Length == 0)
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, HttpJsonRpcErrors.TransportRefusal,
                $"Bad Request: the {SessionIdHeader} header is required.", requestId);
            return null;
        }

        if (!sessions.TryGet(id, out var session))
        {
            // The spec's signal to start over: the client sends initialize again without a session id.
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status404NotFound, AsyncMcp.Dapr.Wire.McpWireErrorCodes.SessionNotFound,
                "Not Found: the session does not exist, has ended or has expired. Initialize a new session.", requestId);
            return null;
        }

        context.Response.Headers[SessionIdHeader] = session.Id;
        return session;
    }

    private static async Task<bool> CheckVersionHeaderAsync(HttpContext context, string version)
    {
        if (version.Length == 0 || ProtocolVersions.IsSupported(version))
        {
            return true;
        }

        await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.UnsupportedProtocolVersion,
            $"Bad Request: the {ProtocolVersionHeader} header '{version}' is not supported; supported: {string.Join(", ", ProtocolVersions.Supported)}.");
        return false;
    }

    private async Task<JsonRpcMessage?> ReadMessageAsync(HttpContext context, bool sessionless)
    {
        ReadOnlyMemory<byte>? body;
        try
        {
            body = await DeliveryResponse.ReadBodyAsync(context.Request, _options.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null;
        }

        if (body is null)
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, (int)McpErrorCode.InvalidRequest,
                $"Payload Too Large: the body is larger than {_options.MaxRequestBodyBytes} bytes.");
            return null;
        }

        var read = FrontMessageReader.Read(body.Value, sessionless);
        if (read.Message is null)
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, read.ErrorCode, read.Error!, read.Id);
        }

        return read.Message;
    }

    internal static void InitializeSseResponse(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers.ContentEncoding = "identity";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }
}
