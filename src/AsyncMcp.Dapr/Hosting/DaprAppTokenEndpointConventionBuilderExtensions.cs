using AsyncMcp.Dapr.Hosting;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Authenticates the Dapr sidecar to the app the Dapr way: when the app's configuration has <c>APP_API_TOKEN</c> (the
/// variable that daprd also reads, so that it sends the value in a <c>dapr-api-token</c> header on every call to the
/// app), the endpoints given this convention answer 401 to any request without that header value.
/// </summary>
public static class DaprAppTokenEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires the <c>dapr-api-token</c> header to equal <c>APP_API_TOKEN</c> on the endpoints of
    /// <paramref name="builder"/>, when <c>APP_API_TOKEN</c> is set; without it the endpoints stay open, as daprd then
    /// sends no token. The <c>Map…</c> methods of this library apply it to every route the sidecar calls; apply it to
    /// <c>MapSubscribeHandler()</c> too. A health route (<c>healthz</c>) is left open: daprd's health probe carries no token.
    /// </summary>
    /// <typeparam name="TBuilder">The convention builder's type.</typeparam>
    /// <param name="builder">The endpoints' convention builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder RequireDaprAppToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is not { } inner || (endpoint is RouteEndpointBuilder route && DaprAppToken.IsHealthRoute(route.RoutePattern.RawText)))
            {
                return;
            }

            var token = DaprAppToken.FromServices(endpoint.ApplicationServices);
            if (token is not null)
            {
                endpoint.RequestDelegate = token.Guard(inner);
            }
        });
        return builder;
    }
}
