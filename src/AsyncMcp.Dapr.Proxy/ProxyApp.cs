using System.Text.RegularExpressions;
using AsyncMcp.Dapr.Apps;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Diagnostics;
using AsyncMcp.Dapr.Proxy.Forwarding;
using AsyncMcp.Dapr.Proxy.Front;
using AsyncMcp.Dapr.Client;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Proxy;

/// <summary>
/// Builds the proxy app: standard MCP clients in front (Streamable HTTP at <c>http://localhost:8080/mcp</c>, or stdio
/// with <c>--stdio</c>), an MCP server over Dapr behind. Used by <c>Program</c>, by tests and by the demo.
/// </summary>
public static partial class ProxyApp
{
    /// <summary>The command-line switch for the stdio front.</summary>
    public const string StdioSwitch = "--stdio";

    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments: configuration overrides, and <c>--stdio</c> for the stdio front.</param>
    /// <param name="configure">Changes to the builder before services are added, e.g. a test's Dapr endpoints.</param>
    /// <param name="stdio">The streams of the stdio front; the process's own when <see langword="null"/>.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, StdioStreams? stdio = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var stdioSwitch = args.Contains(StdioSwitch, StringComparer.Ordinal);
        var builder = WebApplication.CreateBuilder(args.Where(arg => arg != StdioSwitch).ToArray());
        if (stdioSwitch)
        {
            builder.Configuration.AddInMemoryCollection([new($"{ProxyOptions.Section}:{nameof(ProxyOptions.Stdio)}", "true")]);
        }

        // Standard output may carry MCP messages (stdio front): every log line goes to standard error.
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        configure?.Invoke(builder);

        var section = builder.Configuration.GetSection(ProxyOptions.Section);
        var proxy = section.Get<ProxyOptions>() ?? new ProxyOptions();
        if (string.IsNullOrEmpty(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey)))
        {
            builder.WebHost.UseUrls($"http://{proxy.Host}:{proxy.Port}");
        }

        builder.Services.AddOptions<ProxyOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        builder.Services.AddMcpPubSubClient(options =>
        {
            builder.Configuration.GetSection("Mcp:PubSub").Bind(options);
            // Replies must come back to this instance: its own topic, unless one is configured.
            options.ReplyTopic ??= options.AppId is null ? null : $"mcp-replies-{options.AppId}-{TopicSafe(proxy.EffectiveInstanceId)}";
        });
        var webhookReplies = proxy.Backend == ProxyBackend.PubSubWithWebhookReplies;
        if (webhookReplies && string.IsNullOrEmpty(builder.Configuration["Mcp:PubSub:ReplyBinding"]))
        {
            throw new InvalidOperationException(
                "Proxy:Backend is PubSubWithWebhookReplies, but Mcp:PubSub:ReplyBinding names no Dapr HTTP output binding for the replies.");
        }

        if (webhookReplies)
        {
            // The client transport names the reply binding (Mcp:PubSub:ReplyBinding); this receiver verifies what comes back.
            builder.Services.AddMcpWebhookReplies(options => builder.Configuration.GetSection("Mcp:Webhooks").Bind(options));
        }

        builder.Services.AddSingleton<IBackendConnector>(services => proxy.Backend switch
        {
            ProxyBackend.PubSub or ProxyBackend.PubSubWithWebhookReplies => new PubSubBackendConnector(services.GetRequiredService<PubSubClientTransport>()),
            _ => throw new InvalidOperationException($"Proxy:Backend '{proxy.Backend}' is not known."),
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FrontSessionRegistry>();
        builder.Services.AddSingleton<SessionlessChannelPool>();
        builder.Services.AddSingleton<StreamableHttpFront>();
        builder.Services.AddSingleton<FrontGuard>();
        builder.Services.AddHostedService<FrontSessionSweeper>();
        if (proxy.Stdio)
        {
            builder.Services.AddSingleton(stdio ?? StdioStreams.Console());
            builder.Services.AddHostedService<StdioFront>();
        }

        builder.AddAppHealthChecks();
        builder.AddAppTelemetry();

        var app = builder.Build();
        app.MapSubscribeHandler();
        app.MapMcpPubSubReplies();
        if (webhookReplies)
        {
            app.MapMcpWebhookReplies();
        }

        app.MapAppHealthChecks();
        if (!proxy.Stdio)
        {
            app.UseMiddleware<FrontGuard>();
            var front = app.Services.GetRequiredService<StreamableHttpFront>();
            app.MapPost(proxy.Path, front.HandlePostAsync);
            app.MapGet(proxy.Path, front.HandleGetAsync);
            app.MapDelete(proxy.Path, front.HandleDeleteAsync);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var client = app.Services.GetRequiredService<IOptions<DaprPubSubClientOptions>>().Value;
            Log.Started(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxyApp).FullName!),
                proxy.Stdio ? "stdio" : $"Streamable HTTP at {string.Join(", ", app.Urls)}{proxy.Path}",
                app.Services.GetRequiredService<IBackendConnector>().Name, client.ReplyTopic ?? "(none)");
        });
        return app;
    }

    private static string TopicSafe(string instanceId)
    {
        var safe = NotTopicCharacters().Replace(instanceId, "-");
        return safe.Length > 64 ? safe[..64] : safe;
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex NotTopicCharacters();
}
