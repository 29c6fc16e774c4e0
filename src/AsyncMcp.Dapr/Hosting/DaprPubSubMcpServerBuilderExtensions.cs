using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server;
using AsyncMcp.Dapr.Server.Http;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Sessions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Dapr pub/sub transport to an MCP server.</summary>
public static class DaprPubSubMcpServerBuilderExtensions
{
    /// <summary>
    /// Serves the MCP server's tools, resources and prompts to clients that publish to a Dapr pub/sub topic.
    /// Map the subscription endpoint with <c>app.MapMcpPubSub()</c> and announce it with <c>app.MapSubscribeHandler()</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configure">Sets the options; they are validated when the app starts.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithDaprPubSubTransport(this IMcpServerBuilder builder, Action<DaprPubSubServerOptions>? configure = null) =>
        builder.AddDaprPubSubTransport(configure, configSectionPath: null);

    /// <summary>
    /// As <see cref="WithDaprPubSubTransport(IMcpServerBuilder, Action{DaprPubSubServerOptions}?)"/>, with the options
    /// bound from a configuration section (conventionally <see cref="McpDaprConfiguration.PubSubSection"/>) and then
    /// changed by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:PubSub</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithDaprPubSubTransport(this IMcpServerBuilder builder, string configSectionPath, Action<DaprPubSubServerOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return builder.AddDaprPubSubTransport(configure, configSectionPath);
    }

    private static IMcpServerBuilder AddDaprPubSubTransport(this IMcpServerBuilder builder, Action<DaprPubSubServerOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMcpDaprCore<DaprPubSubServerOptions, DaprPubSubServerOptionsValidator>(configure, configSectionPath);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReplyRoute, PubSubReplyRoute>());
        services.TryAddSingleton<ReplyRoutes>();
        services.TryAddSingleton<ErrorReplies>();
        services.TryAddSingleton<SessionOutboxFactory>();
        services.TryAddSingleton<SessionRefusals>();
        services.TryAddSingleton<InMemorySessionCap>();
        services.TryAddSingleton<InMemorySessionHost>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDrainable, InMemorySessionsDrain>());
        services.TryAddSingleton<IMcpSessionHost>(sp => sp.GetRequiredService<InMemorySessionHost>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SessionHostService>());
        services.TryAddSingleton<PubSubRequestEndpoint>();
        services.TryAddSingleton<DeadLetterEndpoint>();
        AddHttpDoorGuard(services);
        // A tool that needs sampling, elicitation or roots from a client without them fails naming the capability.
        builder.WithRequestFilters(filters => filters.AddCallToolFilter(MissingClientCapabilityFilter.Wrap));
        return builder;
    }

    // On by default: the server's own Streamable HTTP door (app.MapMcp) gets the Host and Origin rules of Mcp:Http.
    private static void AddHttpDoorGuard(IServiceCollection services)
    {
        services.AddOptions<McpHttpDoorOptions>().BindConfiguration(McpDaprConfiguration.HttpSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpHttpDoorOptions>, McpHttpDoorOptionsValidator>());
        services.TryAddSingleton<HttpDoorGuard>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, HttpDoorGuardStartupFilter>());
    }
}
