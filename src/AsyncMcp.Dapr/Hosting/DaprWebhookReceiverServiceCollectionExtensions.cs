using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Client.Tasks;
using AsyncMcp.Dapr.Client.Webhooks;
using AsyncMcp.Dapr.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the endpoint where MCP clients receive replies by signed webhook.</summary>
public static class DaprWebhookReceiverServiceCollectionExtensions
{
    /// <summary>
    /// Registers the webhook reply receiver for clients created by <c>AddMcpPubSubClient</c> with a
    /// <see cref="DaprPubSubClientOptions.ReplyBinding"/>. Map it with <c>app.MapMcpWebhookReplies()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; they are validated when the app starts.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMcpWebhookReplies(this IServiceCollection services, Action<DaprWebhookReceiverOptions>? configure = null) =>
        services.AddWebhookReplyReceiver(configure, configSectionPath: null);

    /// <summary>
    /// As <see cref="AddMcpWebhookReplies(IServiceCollection, Action{DaprWebhookReceiverOptions}?)"/>, with the options
    /// bound from a configuration section (conventionally <see cref="McpDaprConfiguration.WebhooksSection"/>) and then
    /// changed by <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:Webhooks</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMcpWebhookReplies(this IServiceCollection services, string configSectionPath, Action<DaprWebhookReceiverOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return services.AddWebhookReplyReceiver(configure, configSectionPath);
    }

    private static IServiceCollection AddWebhookReplyReceiver(this IServiceCollection services, Action<DaprWebhookReceiverOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMcpDaprCore<DaprWebhookReceiverOptions, DaprWebhookReceiverOptionsValidator>(configure, configSectionPath);
        services.TryAddSingleton<ReplyRouter>();
        services.TryAddSingleton<WebhookReceiverSecrets>();
        services.TryAddSingleton<SignedWebhookReader>();
        services.TryAddSingleton<WebhookReplyEndpoint>();
        services.TryAddSingleton<McpTaskWebhooks>();
        services.TryAddSingleton<TaskWebhookEndpoint>();
        return services;
    }
}
