using System.Text.Json;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Http;

/// <summary>
/// Checks every request to the server's Streamable HTTP door (<see cref="McpHttpDoorOptions.Route"/>) against the
/// <see cref="HostOriginRules"/> before the MCP SDK sees it: 403 with a JSON-RPC error otherwise. Other routes (the
/// sidecar's deliveries, health) pass untouched. An <c>initialize</c> whose params are malformed is refused here with
/// 400 and -32602, before the SDK opens a session for it.
/// </summary>
internal sealed class HttpDoorGuard(IOptions<McpHttpDoorOptions> options, ILogger<HttpDoorGuard> logger) : IMiddleware
{
    private readonly string _route = options.Value.Route.TrimEnd('/');
    private readonly HostOriginRules _rules = new(options.Value.AllowedHosts, options.Value.AllowedOrigins);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!IsDoor(context.Request.Path, _route))
        {
            await next(context);
            return;
        }

        if (_rules.Check(context.Request) is { } refusal)
        {
            await RefuseAsync(context, logger, refusal);
            return;
        }

        if (await MalformedInitializeAsync(context.Request) is { } fault)
        {
            Log.DoorRefused(logger, StatusCodes.Status400BadRequest, LogText.Escape(fault.Message)!, null);
            await HttpJsonRpcErrors.WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.InvalidParams, fault.Message, fault.Id);
            return;
        }

        await next(context);
    }

    // A POST that may open a session (no session id yet) is read once here, and read again by the SDK.
    private static async Task<(string Message, RequestId Id)?> MalformedInitializeAsync(HttpRequest request)
    {
        // Sessionless (2026-07-28) requests open no session: their bodies are left to the SDK, read once.
        if (!HttpMethods.IsPost(request.Method) || request.Headers.ContainsKey("Mcp-Session-Id") || IsSessionless(request) ||
            !request.HasJsonContentType())
        {
            return null;
        }

        request.EnableBuffering();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null; // Not JSON: the SDK answers that itself.
        }
        finally
        {
            request.Body.Position = 0;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("method", out var method) ||
                method.ValueKind != JsonValueKind.String || !method.ValueEquals(RequestMethods.Initialize))
            {
                return null;
            }

            var id = root.TryGetProperty("id", out var value) ? value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt64(out var number) => new RequestId(number),
                JsonValueKind.String when TryGetString(value) is { } text => new RequestId(text),
                _ => default,
            } : default;

            // Only the params of an initialize become nodes: the check reads them as the SDK would.
            var parameters = root.TryGetProperty("params", out var p) ? JsonNode.Parse(p.GetRawText()) : null;

            // A request without a valid id is an invalid request before its params matter: the SDK answers that itself.
            return id.Id is not null && InitializeParamsCheck.Fault(parameters) is { } fault ? ($"Invalid params: {fault}", id) : null;
        }
    }

    // A string escape holding a lone surrogate cannot be read as a string: no id to echo.
    private static string? TryGetString(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // From 2026-07-28 on, initialize is no method at all: the SDK answers it with Method not found.
    private static bool IsSessionless(HttpRequest request) =>
        string.CompareOrdinal(request.Headers["MCP-Protocol-Version"].ToString(), "2026-07-28") >= 0;

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
