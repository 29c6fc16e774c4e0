using AsyncMcp.Dapr.Apps;
using AsyncMcp.Dapr.Hosting;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server;

/// <summary>Builds the sample server app; used by <c>Program</c> and by in-process tests.</summary>
public static class ServerApp
{
    /// <summary>The server's name in <c>serverInfo</c>.</summary>
    public const string Name = "asyncmcp-dapr-sample-server";

    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="configure">Changes to the builder before services are added, e.g. a test's Dapr endpoints.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.Configure<SampleServerOptions>(builder.Configuration.GetSection("SampleServer"));
        var mcp = builder.Services
            .AddMcpServer(options => options.ServerInfo = new Implementation { Name = Name, Version = "1.0.0" })
            .WithTools<SampleTools>()
            .WithResources<SampleResources>()
            .WithPrompts<SamplePrompts>()
            .WithCompleteHandler(CompleteAsync)
            .WithDaprPubSubTransport(McpDaprConfiguration.PubSubSection)
            .WithDaprWebhookReplies(McpDaprConfiguration.WebhooksSection)
            // The second door: standard Streamable HTTP, serving both protocol generations with the same tools.
            .WithHttpTransport(options => options.SessionMode = HttpServerSessionMode.StatefulForInitializeClients);

        // Long tool calls as MCP tasks on Dapr Workflow (needs the sidecar's workflow engine, i.e. an actor state store).
        if (builder.Configuration.GetValue("Mcp:Tasks:Enabled", true))
        {
            mcp.WithDaprTasks("Mcp:Tasks");
        }

        // Mcp:Sessions:Actors=true hosts sessions as Dapr actors, so that several replicas can serve the topic.
        if (builder.Configuration.GetValue<bool>("Mcp:Sessions:Actors"))
        {
            mcp.WithActorSessions(McpDaprConfiguration.SessionsSection);
        }

        // Mcp:Sessions:Workflows=true hosts each session as a Dapr workflow instance instead (the same guarantees).
        else if (builder.Configuration.GetValue<bool>("Mcp:Sessions:Workflows"))
        {
            mcp.WithWorkflowSessions(McpDaprConfiguration.SessionsSection);
        }

        builder.AddAppHealthChecks();
        builder.AddAppShutdown();
        builder.AddAppTelemetry();

        var app = builder.Build();
        app.MapSubscribeHandler().RequireDaprAppToken();
        app.MapMcpPubSub();
        app.MapMcpDeadLetters();
        app.MapMcp(builder.Configuration["Mcp:Http:Route"] ?? "/mcp");
        app.MapAppHealthChecks();
        return app;
    }

    private static ValueTask<CompleteResult> CompleteAsync(RequestContext<CompleteRequestParams> context, CancellationToken cancellationToken)
    {
        var argument = context.Params?.Argument;
        IEnumerable<string> candidates = argument?.Name switch
        {
            "language" => SamplePrompts.Languages,
            "id" => ["job-1", "job-2", "job-42"],
            _ => [],
        };
        var values = candidates.Where(value => value.StartsWith(argument?.Value ?? string.Empty, StringComparison.Ordinal)).ToList();
        return ValueTask.FromResult(new CompleteResult { Completion = new Completion { Values = values, Total = values.Count } });
    }
}
