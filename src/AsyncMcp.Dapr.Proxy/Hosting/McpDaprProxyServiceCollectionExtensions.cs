using System.Text.RegularExpressions;
using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Forwarding;
using AsyncMcp.Dapr.Proxy.Front;
using AsyncMcp.Dapr.Proxy.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the MCP proxy: standard MCP clients in front, an MCP server over Dapr pub/sub behind.</summary>
public static partial class McpDaprProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the proxy's services: the Streamable HTTP front (or the stdio front when <see cref="ProxyOptions.Stdio"/>),
    /// front sessions with their own backend connections, and the pub/sub client it forwards through, with replies on a
    /// topic of this instance (or by signed webhook with <see cref="ProxyBackend.PubSubWithWebhookReplies"/>). The
    /// options are read once, here, from <paramref name="configuration"/> (sections <c>Proxy</c>, <c>Mcp:PubSub</c>,
    /// <c>Mcp:Webhooks</c>), changed by <paramref name="configure"/>, and checked at once. Map the front with
    /// <c>app.MapMcpDaprProxy()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The app's configuration.</param>
    /// <param name="configure">Changes to the proxy options.</param>
    /// <param name="stdio">The streams of the stdio front; the process's own when <see langword="null"/>.</param>
    /// <returns>The options in effect, for the host (for example its listening address).</returns>
    /// <exception cref="OptionsValidationException">The proxy options are invalid.</exception>
    public static ProxyOptions AddMcpDaprProxy(
        this IServiceCollection services, IConfiguration configuration, Action<ProxyOptions>? configure = null, StdioStreams? stdio = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var proxy = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        configure?.Invoke(proxy);
        if (new ProxyOptionsValidator().Validate(null, proxy) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(nameof(ProxyOptions), typeof(ProxyOptions), invalid.Failures);
        }

        var webhookReplies = proxy.Backend == ProxyBackend.PubSubWithWebhookReplies;
        if (webhookReplies && string.IsNullOrEmpty(configuration[$"{McpDaprConfiguration.PubSubSection}:ReplyBinding"]))
        {
            throw new InvalidOperationException(
                "Proxy:Backend is PubSubWithWebhookReplies, but Mcp:PubSub:ReplyBinding names no Dapr HTTP output binding for the replies.");
        }

        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(proxy));
        services.AddMcpPubSubClient(McpDaprConfiguration.PubSubSection, options =>
        {
            // Replies must come back to this instance: its own topic, unless one is configured.
            options.ReplyTopic ??= options.AppId is null ? null : $"mcp-replies-{options.AppId}-{TopicSafe(proxy.EffectiveInstanceId)}";
        });
        if (webhookReplies)
        {
            // The client transport names the reply binding (Mcp:PubSub:ReplyBinding); this receiver verifies what comes back.
            services.AddMcpWebhookReplies(McpDaprConfiguration.WebhooksSection);
        }

        services.AddSingleton<IBackendConnector>(sp => proxy.Backend switch
        {
            ProxyBackend.PubSub or ProxyBackend.PubSubWithWebhookReplies => new PubSubBackendConnector(sp.GetRequiredService<PubSubClientTransport>()),
            _ => throw new InvalidOperationException($"Proxy:Backend '{proxy.Backend}' is not known."),
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FrontSessionRegistry>();
        services.AddSingleton<SessionlessChannelPool>();
        services.AddSingleton<SessionlessPostHandler>();
        services.AddSingleton<StreamableHttpFront>();
        services.AddSingleton<ProxyFrontRoute>();
        services.AddSingleton<FrontGuard>();
        services.AddSingleton<IStartupFilter, FrontGuardStartupFilter>();
        services.AddHostedService<FrontSessionSweeper>();
        if (proxy.Stdio)
        {
            services.AddSingleton(stdio ?? StdioStreams.Console());
            services.AddHostedService<StdioFront>();
        }

        return proxy;
    }

    private static string TopicSafe(string instanceId)
    {
        var safe = NotTopicCharacters().Replace(instanceId, "-");
        return safe.Length > 64 ? safe[..64] : safe;
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex NotTopicCharacters();
}
