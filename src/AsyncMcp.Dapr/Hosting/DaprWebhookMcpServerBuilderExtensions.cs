using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Transports;
using AsyncMcp.Dapr.Transports.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds webhook replies (Dapr HTTP output bindings) to an MCP server reached over Dapr pub/sub.</summary>
public static class DaprWebhookMcpServerBuilderExtensions
{
    /// <summary>
    /// Lets clients ask for their replies by webhook: a <c>binding://{binding}/{path}</c> reply address makes the
    /// server deliver every message of that session by invoking the named Dapr HTTP output binding, signed with the
    /// binding's Standard Webhooks secrets. Only bindings declared in the server's sidecar, allowed by the options and
    /// with a secret can be named. Use together with <c>WithDaprPubSubTransport</c>; see <c>docs/webhooks.md</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configure">Sets the options; they are validated when the app starts.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithDaprWebhookReplies(this IMcpServerBuilder builder, Action<DaprWebhookReplyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<DaprWebhookReplyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DaprWebhookReplyOptions>, DaprWebhookReplyOptionsValidator>());
        services.AddDaprClient();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookBindingRegistry>();
        services.TryAddSingleton<WebhookDeliveryMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReplySender, BindingReplySender>());
        return builder;
    }
}
