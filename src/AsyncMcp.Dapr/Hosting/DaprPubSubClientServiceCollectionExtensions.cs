using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
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
    public static IServiceCollection AddMcpPubSubClient(this IServiceCollection services, Action<DaprPubSubClientOptions>? configure = null) =>
        services.AddPubSubClient(configure, configSectionPath: null);

    /// <summary>
    /// As <see cref="AddMcpPubSubClient(IServiceCollection, Action{DaprPubSubClientOptions}?)"/>, with the options bound
    /// from a configuration section (conventionally <see cref="McpDaprConfiguration.PubSubSection"/>) and then changed by
    /// <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:PubSub</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMcpPubSubClient(this IServiceCollection services, string configSectionPath, Action<DaprPubSubClientOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return services.AddPubSubClient(configure, configSectionPath);
    }

    private static IServiceCollection AddPubSubClient(this IServiceCollection services, Action<DaprPubSubClientOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMcpDaprCore<DaprPubSubClientOptions, DaprPubSubClientOptionsValidator>(configure, configSectionPath);
        services.TryAddSingleton<ReplyRouter>();
        services.TryAddSingleton<PubSubReplyEndpoint>();
        services.TryAddSingleton(sp => new PubSubClientTransport(
            sp.GetRequiredService<McpEventPublisher>(),
            sp.GetRequiredService<ReplyRouter>(),
            sp.GetRequiredService<IOptions<DaprPubSubClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<McpDaprMetrics>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}
