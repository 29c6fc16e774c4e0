using AsyncMcp.Dapr.Apps;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Diagnostics;
using AsyncMcp.Dapr.Proxy.Forwarding;
using AsyncMcp.Dapr.Proxy.Front;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Proxy;

/// <summary>
/// Builds the proxy app, a thin host around <c>AddMcpDaprProxy</c> and <c>MapMcpDaprProxy</c>: standard MCP clients
/// in front (Streamable HTTP at <c>http://localhost:8080/mcp</c>, or stdio with <c>--stdio</c>), an MCP server over
/// Dapr behind. Used by <c>Program</c>, by tests and by the demo.
/// </summary>
public static class ProxyApp
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

        var proxy = builder.Services.AddMcpDaprProxy(builder.Configuration, stdio: stdio);
        if (string.IsNullOrEmpty(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey)))
        {
            builder.WebHost.UseUrls($"http://{proxy.Host}:{proxy.Port}");
        }

        builder.AddAppHealthChecks();
        builder.AddAppShutdown();
        builder.AddAppTelemetry();

        var app = builder.Build();
        app.MapSubscribeHandler().RequireDaprAppToken();
        app.MapMcpDaprProxy();
        app.MapAppHealthChecks();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var client = app.Services.GetRequiredService<IOptions<DaprPubSubClientOptions>>().Value;
            Log.Started(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxyApp).FullName!),
                proxy.Stdio ? "stdio" : $"Streamable HTTP at {string.Join(", ", app.Urls)}{proxy.Path}",
                app.Services.GetRequiredService<IBackendConnector>().Name, client.ReplyTopic ?? "(none)");
        });
        return app;
    }
}
