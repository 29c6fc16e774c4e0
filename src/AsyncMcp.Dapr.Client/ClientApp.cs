using AsyncMcp.Dapr.Apps;
using AsyncMcp.Dapr.Hosting;

namespace AsyncMcp.Dapr.Client;

/// <summary>Builds the sample client app: a small web app (the sidecar delivers replies to it) that runs the demo.</summary>
public static class ClientApp
{
    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="configure">Changes to the builder before services are added, e.g. a test's Dapr endpoints.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddMcpPubSubClient(McpDaprConfiguration.PubSubSection);
        var webhookReplies = builder.Configuration["Mcp:PubSub:ReplyBinding"] is not null;
        if (webhookReplies)
        {
            // Replies come by signed webhook (docs/webhooks.md): the receiver verifies them before the client sees them.
            builder.Services.AddMcpWebhookReplies(McpDaprConfiguration.WebhooksSection);
        }

        builder.Services.AddSingleton(sp => new ClientDemo(sp.GetRequiredService<PubSubClientTransport>(), Console.Out));
        builder.AddAppHealthChecks();
        builder.AddAppTelemetry();

        var app = builder.Build();
        app.MapSubscribeHandler();
        app.MapMcpPubSubReplies();
        if (webhookReplies)
        {
            app.MapMcpWebhookReplies();
            app.MapMcpTaskWebhooks();
        }

        app.MapAppHealthChecks();
        return app;
    }
}
