using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Transports;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the client side of MCP over Dapr pub/sub.</summary>
public static class DaprPubSubClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="PubSubClientTransport"/> for creating MCP clients that reach a server over Dapr
    /// pub/sub. Map the reply endpoint with <c>app.MapMcpPubSubReplies()</c> and announce it with
    /// <c>app.MapSubscribeHandler()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; they are validated when the app starts.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMcpPubSubClient(this IServiceCollection services, Action<DaprPubSubClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMcpDaprCore<DaprPubSubClientOptions, DaprPubSubClientOptionsValidator>(configure);
        services.TryAddSingleton<ReplyRouter>();
        services.TryAddSingleton<PubSubReplyEndpoint>();
        services.TryAddSingleton(sp => new PubSubClientTransport(
            sp.GetRequiredService<McpEventPublisher>(),
            sp.GetRequiredService<ReplyRouter>(),
            sp.GetRequiredService<IOptions<DaprPubSubClientOptions>>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}
