using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Front;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the MCP proxy added with <c>AddMcpDaprProxy</c>.</summary>
public static class McpDaprProxyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the proxy: the reply endpoint of its backend connections (and the webhook receiver when replies come by
    /// webhook) and, unless the stdio front is on, the Streamable HTTP front (POST, GET and DELETE) at
    /// <paramref name="pattern"/>. Every request to the front first passes the front guard (Host, Origin, bearer
    /// token, body size).
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <param name="pattern">The front's route; <see cref="ProxyOptions.Path"/> (default <c>/mcp</c>) when <see langword="null"/>.</param>
    /// <returns>A convention builder covering every endpoint mapped.</returns>
    /// <exception cref="InvalidOperationException"><c>AddMcpDaprProxy()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMcpDaprProxy(this IEndpointRouteBuilder endpoints, string? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var front = endpoints.ServiceProvider.GetService<StreamableHttpFront>() ?? throw new InvalidOperationException(
            "Unable to find the services that MapMcpDaprProxy() needs. Call builder.Services.AddMcpDaprProxy(builder.Configuration) " +
            "in the application's service configuration before app.MapMcpDaprProxy().");
        var proxy = endpoints.ServiceProvider.GetRequiredService<IOptions<ProxyOptions>>().Value;
        List<IEndpointConventionBuilder> mapped = [endpoints.MapMcpPubSubReplies()];
        if (proxy.Backend == ProxyBackend.PubSubWithWebhookReplies)
        {
            mapped.Add(endpoints.MapMcpWebhookReplies());
        }

        if (!proxy.Stdio)
        {
            var route = endpoints.ServiceProvider.GetRequiredService<ProxyFrontRoute>();
            route.Path = pattern ?? proxy.Path;
            mapped.Add(endpoints.MapPost(route.Path, front.HandlePostAsync));
            mapped.Add(endpoints.MapGet(route.Path, front.HandleGetAsync));
            mapped.Add(endpoints.MapDelete(route.Path, front.HandleDeleteAsync));
        }

        return new McpDaprEndpointConventionBuilder(mapped);
    }
}
