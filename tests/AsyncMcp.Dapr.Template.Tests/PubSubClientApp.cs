using AsyncMcp.Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>A client app as the generated README shows it: the sidecar delivers the server's replies to it.</summary>
internal static class PubSubClientApp
{
    public const string AppId = "template-test-client";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder> configure, string serverTopic)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure(builder);
        builder.Logging.ClearProviders();
        builder.Services.AddMcpPubSubClient(options =>
        {
            options.AppId = AppId;
            options.ServerTopic = serverTopic;
        });
        var app = builder.Build();
        app.MapSubscribeHandler();
        app.MapMcpPubSubReplies();
        return app;
    }

    public static PubSubClientTransport Transport(WebApplication app) => app.Services.GetRequiredService<PubSubClientTransport>();
}
