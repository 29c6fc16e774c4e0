using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server;
using AsyncMcp.Dapr.Sessions;
using AsyncMcp.Dapr.Transports;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
    public static IMcpServerBuilder WithDaprPubSubTransport(this IMcpServerBuilder builder, Action<DaprPubSubServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMcpDaprCore<DaprPubSubServerOptions, DaprPubSubServerOptionsValidator>(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReplySender, PubSubReplySender>());
        services.TryAddSingleton<ReplySenders>();
        services.TryAddSingleton<ReplyChannelFactory>();
        services.TryAddSingleton<ReplyAddressGuard>();
        services.TryAddSingleton<ServerSessionTransportFactory>();
        services.TryAddSingleton<IMcpSessionHost, InMemorySessionHost>();
        services.TryAddSingleton<PubSubRequestEndpoint>();
        services.TryAddSingleton<DeadLetterEndpoint>();
        // A tool that needs sampling, elicitation or roots from a client without them fails naming the capability.
        builder.WithRequestFilters(filters => filters.AddCallToolFilter(MissingClientCapabilityFilter.Wrap));
        return builder;
    }
}
