using System.Text.Json;
using AsyncMcp.Dapr.Proxy.Forwarding;
using AsyncMcp.Dapr.Server.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// A POST under a sessionless protocol (2026-07-28 or later): the request must carry its protocol version in
/// <c>_meta</c> and headers that match its body; it is forwarded on a pooled backend channel and answered by a
/// <see cref="SessionlessResponse"/>. Notifications and responses, which have nothing to belong to, get 202.
/// </summary>
internal sealed class SessionlessPostHandler(SessionlessChannelPool pool, ILoggerFactory loggerFactory)
{
    /// <summary>Answers one POST whose <c>MCP-Protocol-Version</c> header names a sessionless protocol.</summary>
    /// <param name="context">The HTTP exchange.</param>
    /// <param name="message">The message of the body, read and checked.</param>
    /// <param name="version">The protocol version of the header.</param>
    /// <param name="requestId">The request's id, for the errors.</param>
    public async Task HandleAsync(HttpContext context, JsonRpcMessage message, string version, RequestId requestId)
    {
        if (message is not JsonRpcRequest request)
        {
            // Without a session there is nothing a notification or a response could belong to.
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var metaVersion = request.Params?["_meta"]?["io.modelcontextprotocol/protocolVersion"];
        if (metaVersion is null || metaVersion.GetValueKind() != JsonValueKind.String)
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.InvalidParams,
                $"Bad Request: requests of protocol {version} must carry _meta/io.modelcontextprotocol/protocolVersion.", requestId);
            return;
        }

        if (!string.Equals(metaVersion.GetValue<string>(), version, StringComparison.Ordinal))
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.HeaderMismatch,
                $"Bad Request: the {StreamableHttpFront.ProtocolVersionHeader} header '{version}' differs from _meta protocolVersion '{metaVersion.GetValue<string>()}'.", requestId);
            return;
        }

        if (McpRequestHeaders.Mismatch(context.Request.Headers, request) is { } mismatch)
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.HeaderMismatch, mismatch, requestId);
            return;
        }

        ProxyChannel channel;
        try
        {
            channel = await pool.RentAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ProxyErrorCodes.BackendUnavailable,
                $"Service Unavailable: the proxy could not reach the MCP server: {ex.Message}", requestId);
            return;
        }

        var response = new SessionlessResponse(context, request.Id, SetStatusFromError, loggerFactory);
        try
        {
            await channel.ForwardAsync(request, response, context.RequestAborted);
            await response.Answered.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the channel tells the server to cancel.
        }
        finally
        {
            await response.DisposeAsync();
            await pool.ReturnAsync(channel);
        }
    }

    // For sessionless requests the status line waits for the first message, so that errors keep the status the spec gives them.
    private static ValueTask SetStatusFromError(HttpContext context, JsonRpcMessage? first)
    {
        if (first is JsonRpcError { Error: { } error } && !context.Response.HasStarted)
        {
            context.Response.StatusCode = error.Code switch
            {
                (int)McpErrorCode.MethodNotFound => StatusCodes.Status404NotFound,
                (int)McpErrorCode.MissingRequiredClientCapability or (int)McpErrorCode.UnsupportedProtocolVersion or (int)McpErrorCode.HeaderMismatch => StatusCodes.Status400BadRequest,
                _ => context.Response.StatusCode,
            };
        }

        return default;
    }
}
