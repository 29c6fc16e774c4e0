using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AsyncMcp.Dapr.Server.Http;

/// <summary>
/// Checks every request to the server's Streamable HTTP door (<see cref="McpHttpDoorOptions.Route"/>) against the
/// <see cref="HostOriginRules"/> before the MCP SDK sees it: 403 with a JSON-RPC error otherwise. Other routes (the
/// sidecar's deliveries, health) pass untouched.
/// </summary>
internal sealed class HttpDoorGuard(IOptions<McpHttpDoorOptions> options, ILogger<HttpDoorGuard> logger) : IMiddleware
{
    private readonly string _route = options.Value.Route.TrimEnd('/');
    private readonly HostOriginRules _rules = new(options.Value.AllowedHosts, options.Value.AllowedOrigins);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!IsDoor(context.Request.Path, _route) || _rules.Check(context.Request) is not { } refusal)
        {
            await next(context);
            return;
        }

        await RefuseAsync(context, logger, refusal);
    }

    /// <summary>Whether <paramref name="path"/> is the door's route (a trailing slash aside).</summary>
    public static bool IsDoor(PathString path, string route) =>
        string.Equals(path.Value?.TrimEnd('/') ?? string.Empty, route, StringComparison.Ordinal);

    /// <summary>Answers 403 with a JSON-RPC error, closes the connection, and logs the refusal with its values escaped.</summary>
    public static Task RefuseAsync(HttpContext context, ILogger logger, string refusal, int status = StatusCodes.Status403Forbidden)
    {
        var sessionId = context.Request.Headers["Mcp-Session-Id"].ToString();
        Log.DoorRefused(logger, status, LogText.Escape(refusal)!, sessionId.Length == 0 ? null : LogText.Escape(sessionId));
        context.Response.Headers[HeaderNames.Connection] = "close";
        return HttpJsonRpcErrors.WriteAsync(context, status, HttpJsonRpcErrors.TransportRefusal, refusal);
    }
}
