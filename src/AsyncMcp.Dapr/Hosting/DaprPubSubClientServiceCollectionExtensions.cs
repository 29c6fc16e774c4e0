using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Configuration;
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

    /// <summary>
    /// Registers a <see cref="PubSubClientTransport"/> for one MCP server among several, as a keyed service: resolve it
    /// with <c>GetRequiredKeyedService&lt;PubSubClientTransport&gt;(serviceKey)</c> or <c>[FromKeyedServices]</c>. Each
    /// keyed client has its own <see cref="DaprPubSubClientOptions"/> (named by the key): the server's pub/sub component
    /// and topic, its reply route, its timeouts. All clients of the app share one reply router, so clients that reply on
    /// the same topic and route share one subscription. <c>app.MapMcpPubSubReplies()</c> maps the reply route of every
    /// client registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key the transport is resolved by, e.g. <c>weather</c>.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:Servers:weather</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddKeyedMcpPubSubClient(
        this IServiceCollection services, string serviceKey, string configSectionPath, Action<DaprPubSubClientOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return services.AddKeyedPubSubClient(serviceKey, configure, configSectionPath);
    }

    /// <summary>
    /// As <see cref="AddKeyedMcpPubSubClient(IServiceCollection, string, string, Action{DaprPubSubClientOptions}?)"/>,
    /// with the options set in code only.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key the transport is resolved by, e.g. <c>weather</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddKeyedMcpPubSubClient(this IServiceCollection services, string serviceKey, Action<DaprPubSubClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddKeyedPubSubClient(serviceKey, configure, configSectionPath: null);
    }

    /// <summary>
    /// Registers one keyed <see cref="PubSubClientTransport"/> per child of a configuration section, keyed by the
    /// child's name, each bound from its child section: with <c>"Mcp": { "Servers": { "weather": { "ServerTopic":
    /// "weather-requests" }, "billing": { … } } }</c>, <c>AddMcpPubSubClients(configuration.GetSection("Mcp:Servers"))</c>
    /// registers the clients <c>weather</c> and <c>billing</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="servers">The section whose children name the servers.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The section has no children.</exception>
    public static IServiceCollection AddMcpPubSubClients(this IServiceCollection services, IConfigurationSection servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var children = servers.GetChildren().ToList();
        if (children.Count == 0)
        {
            throw new InvalidOperationException(
                $"The configuration section '{servers.Path}' names no MCP server: add one child section per server, e.g. {servers.Path}:weather:ServerTopic.");
        }

        foreach (var server in children)
        {
            services.AddKeyedPubSubClient(server.Key, configure: null, server.Path);
        }

        return services;
    }

    private static IServiceCollection AddKeyedPubSubClient(
        this IServiceCollection services, string serviceKey, Action<DaprPubSubClientOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        services.AddMcpDaprShared();
        var options = services.AddOptions<DaprPubSubClientOptions>(serviceKey);
        if (configSectionPath is not null)
        {
            options.BindConfiguration(configSectionPath);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddClientShared(serviceKey);
        services.AddKeyedSingleton(serviceKey, (sp, _) => Create(sp, sp.GetRequiredService<IOptionsMonitor<DaprPubSubClientOptions>>().Get(serviceKey)));
        return services;
    }

    private static IServiceCollection AddPubSubClient(this IServiceCollection services, Action<DaprPubSubClientOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMcpDaprCore<DaprPubSubClientOptions, DaprPubSubClientOptionsValidator>(configure, configSectionPath);
        services.AddClientShared(Options.Options.DefaultName);
        services.TryAddSingleton(sp => Create(sp, sp.GetRequiredService<IOptions<DaprPubSubClientOptions>>().Value));
        return services;
    }

    // What every client of the app shares: one reply router, and the list of clients whose reply routes to map.
    private static void AddClientShared(this IServiceCollection services, string optionsName)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DaprPubSubClientOptions>, DaprPubSubClientOptionsValidator>());
        services.TryAddSingleton<ReplyRouter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDrainable, ClientConnectionsDrain>());
        services.AddSingleton(new McpPubSubClientRegistration(optionsName));
    }

    private static PubSubClientTransport Create(IServiceProvider sp, DaprPubSubClientOptions options) => new(
        sp.GetRequiredService<McpEventPublisher>(),
        sp.GetRequiredService<ReplyRouter>(),
        options,
        sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<McpDaprMetrics>(),
        sp.GetService<ILoggerFactory>());
}
