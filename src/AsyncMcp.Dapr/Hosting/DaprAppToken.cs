using System.Security.Cryptography;
using System.Text;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// The app API token that daprd sends to its app in the <c>dapr-api-token</c> header when <c>APP_API_TOKEN</c> is set
/// (dapr/dapr pkg/channel/http/http_channel.go constructRequest; the name in pkg/security/consts/consts.go).
/// </summary>
internal sealed class DaprAppToken(byte[] expected, ILogger logger)
{
    /// <summary>The configuration key, the environment variable daprd reads.</summary>
    public const string ConfigurationKey = "APP_API_TOKEN";

    /// <summary>The header daprd sends the token in.</summary>
    public const string HeaderName = "dapr-api-token";

    private const string RefusalBody = $$"""{"errorCode":"ERR_APP_API_TOKEN","message":"missing or wrong {{HeaderName}} header: this route takes calls from the app's Dapr sidecar only"}""";

    /// <summary>The token configured for the app, or null when none is (no check).</summary>
    public static DaprAppToken? FromServices(IServiceProvider services)
    {
        var value = services.GetService<IConfiguration>()?[ConfigurationKey];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("AsyncMcp.Dapr.Hosting.DaprAppToken") ?? NullLogger.Instance;
        return new DaprAppToken(Encoding.UTF8.GetBytes(value), logger);
    }

    /// <summary>Whether a route is a health route, which daprd probes without the token.</summary>
    public static bool IsHealthRoute(string? pattern) =>
        pattern is not null && pattern.Trim('/').Equals("healthz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs <paramref name="inner"/> only for requests that carry the token.</summary>
    public RequestDelegate Guard(RequestDelegate inner) => context =>
    {
        if (Matches(context.Request.Headers[HeaderName]))
        {
            return inner(context);
        }

        Log.AppTokenRefused(logger, context.Request.Method, LogText.Escape(context.Request.Path.Value));
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(RefusalBody);
    };

    private bool Matches(Microsoft.Extensions.Primitives.StringValues header) =>
        header.Count == 1 && header[0] is { } given && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
}
