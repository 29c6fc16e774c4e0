using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Transports;
using AsyncMcp.Dapr.Transports.Webhooks;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
    public static IServiceCollection AddMcpWebhookReplies(this IServiceCollection services, Action<DaprWebhookReceiverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DaprWebhookReceiverOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DaprWebhookReceiverOptions>, DaprWebhookReceiverOptionsValidator>());
        services.AddDaprClient();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<McpEnvelopeCodec>();
        services.TryAddSingleton<ReplyRouter>();
        services.TryAddSingleton<WebhookReceiverSecrets>();
        services.TryAddSingleton<WebhookReplyEndpoint>();
        return services;
    }
}
