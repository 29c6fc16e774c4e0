using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
    public static IMcpServerBuilder WithDaprWebhookReplies(this IMcpServerBuilder builder, Action<DaprWebhookReplyOptions>? configure = null) =>
        builder.AddDaprWebhookReplies(configure, configSectionPath: null);

    /// <summary>
    /// As <see cref="WithDaprWebhookReplies(IMcpServerBuilder, Action{DaprWebhookReplyOptions}?)"/>, with the options
    /// bound from a configuration section (conventionally <see cref="McpDaprConfiguration.WebhooksSection"/>) and then
    /// changed by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:Webhooks</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithDaprWebhookReplies(this IMcpServerBuilder builder, string configSectionPath, Action<DaprWebhookReplyOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return builder.AddDaprWebhookReplies(configure, configSectionPath);
    }

    private static IMcpServerBuilder AddDaprWebhookReplies(this IMcpServerBuilder builder, Action<DaprWebhookReplyOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMcpDaprCore<DaprWebhookReplyOptions, DaprWebhookReplyOptionsValidator>(configure, configSectionPath);
        services.AddMetrics();
        services.TryAddSingleton<WebhookBindingRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReplyRoute, BindingReplyRoute>());
        return builder;
    }
}
