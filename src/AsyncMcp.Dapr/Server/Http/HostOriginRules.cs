using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Server.Http;

/// <summary>
/// Which <c>Host</c> and <c>Origin</c> headers a Streamable HTTP door accepts, against DNS rebinding: the host must be
/// one of the allowed names, and an origin, when a browser sends one, must be an allowed origin or point at an allowed
/// host. One set of rules serves the server's door and the proxy's front.
/// </summary>
internal sealed class HostOriginRules
{
    /// <summary>The hosts allowed when none are configured: the loopback names only.</summary>
    public static readonly IReadOnlyList<string> LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private readonly IReadOnlyList<string> _hosts;
    private readonly IReadOnlyList<string> _origins;
    private readonly bool _anyHost;

    public HostOriginRules(IReadOnlyList<string>? allowedHosts, IReadOnlyList<string>? allowedOrigins)
    {
        _hosts = allowedHosts is { Count: > 0 } ? allowedHosts : LoopbackHosts;
        _origins = allowedOrigins ?? [];
        _anyHost = _hosts.Contains("*");
    }

    /// <summary>Whether <paramref name="host"/> (the <c>Host</c> header without its port) is allowed.</summary>
    public bool IsAllowedHost(string host)
    {
        if (_anyHost)
        {
            return true;
        }

        // Kestrel reports an IPv6 host with brackets; the configuration may name it either way.
        return _hosts.Any(allowed => string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(allowed.Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether <paramref name="origin"/> (a non-empty <c>Origin</c> header) is allowed.</summary>
    public bool IsAllowedOrigin(string origin)
    {
        if (_origins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // "null" (a sandboxed page, a file) and anything not http(s) are never allowed unless listed above.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && IsAllowedHost(uri.Host);
    }

    /// <summary>The refusal for the request's headers, or <see langword="null"/> when they are allowed.</summary>
    public string? Check(HttpRequest request)
    {
        if (!IsAllowedHost(request.Host.Host))
        {
            return $"Forbidden: the Host '{request.Host}' is not allowed.";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && !IsAllowedOrigin(origin) ? $"Forbidden: the Origin '{origin}' is not allowed." : null;
    }
}
