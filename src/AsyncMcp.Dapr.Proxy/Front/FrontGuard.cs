using System.Security.Cryptography;
using System.Text;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Diagnostics;
using AsyncMcp.Dapr.Server.Http;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// Checks every request to the MCP endpoint before it is read: Host and Origin against DNS rebinding (403, the rules of the server's own door), the
/// bearer token when one is configured (401), and the size of the body (413).
/// </summary>
internal sealed class FrontGuard(IOptions<ProxyOptions> options, ProxyFrontRoute route, ILogger<FrontGuard> logger) : IMiddleware
{
    private readonly ProxyOptions _options = options.Value;
    private readonly HostOriginRules _rules = new(options.Value.EffectiveAllowedHosts, options.Value.AllowedOrigins);
    private readonly byte[]? _token = options.Value.BearerToken is { } token ? Encoding.UTF8.GetBytes(token) : null;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!string.Equals(context.Request.Path.Value?.TrimEnd('/'), route.Path.TrimEnd('/'), StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        if (_rules.Check(context.Request) is { } refusal)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, refusal);
            return;
        }

        if (_token is not null && !HasToken(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized: a valid bearer token is required.");
            return;
        }

        if (context.Request.ContentLength > _options.MaxRequestBodyBytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"Payload Too Large: the body is {context.Request.ContentLength} bytes, more than {_options.MaxRequestBodyBytes}.");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = _options.MaxRequestBodyBytes;
        }

        await next(context);
    }

    private bool HasToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant time, so that the token cannot be guessed from response times.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _token);
    }

    private Task RefuseAsync(HttpContext context, int status, string message)
    {
        var frontSessionId = context.Request.Headers[StreamableHttpFront.SessionIdHeader].ToString();
        Log.Refused(logger, string.IsNullOrEmpty(frontSessionId) ? null : LogText.Escape(frontSessionId), LogText.Escape(message)!);
        context.Response.Headers[HeaderNames.Connection] = "close";
        return HttpJsonRpcErrors.WriteAsync(context, status, HttpJsonRpcErrors.TransportRefusal, message);
    }
}
