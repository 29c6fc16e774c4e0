using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcpDaprServer.Tools;
using ModelContextProtocol.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AsyncMcpDaprServer;

/// <summary>Builds the server; used by <c>Program.cs</c> and by the tests, which run it against an emulated sidecar.</summary>
public static class ServerApp
{
    /// <summary>The MCP SDK's activity source: a span for each MCP request handled.</summary>
    private const string McpSdkActivitySource = "Experimental.ModelContextProtocol";

    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments (configuration overrides, such as <c>--urls</c>).</param>
    /// <param name="configure">Changes to the builder before services are added, such as a test's Dapr endpoints.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.Configure<BatchToolOptions>(builder.Configuration.GetSection(BatchToolOptions.Section));
#if (NamesBuilder)
        var mcp = builder.Services
#else
        builder.Services
#endif
            .AddMcpServer(options => options.ServerInfo = new() { Name = "AsyncMcpDaprServer", Version = "1.0.0" })
            .WithTools<BatchTools>()
            // Requests arrive as CloudEvents on a Dapr pub/sub topic; replies go back over pub/sub (Mcp:PubSub in appsettings.json).
            .WithDaprPubSubTransport(McpDaprConfiguration.PubSubSection)
            // The same tools over standard Streamable HTTP at /mcp, for clients that hold a connection; both protocol generations.
            .WithHttpTransport(options => options.SessionMode = HttpServerSessionMode.StatefulForInitializeClients);
#if (Tasks)

        // A tools/call that asks for a task runs as a Dapr workflow instance, answered at once with the task; the client
        // reads its status and result later, from any replica (Mcp:Tasks in appsettings.json). Tools opt in with [McpTask].
        mcp.WithDaprTasks("Mcp:Tasks");
#endif
#if (ActorSessions)

        // Each MCP session is a Dapr actor: it lives on one replica at a time and survives restarts and moves, so several
        // replicas can serve the topic. Needs the actor state store of components/local (Mcp:Sessions in appsettings.json).
        mcp.WithActorSessions(McpDaprConfiguration.SessionsSection);
#endif
#if (WorkflowSessions)

        // Each MCP session is a Dapr workflow instance (mcp-session-<session id>): it runs on one replica at a time and
        // survives restarts and moves, so several replicas can serve the topic; `dapr workflow` lists and terminates
        // sessions. Needs the actor state store of components/local (Mcp:Sessions in appsettings.json).
        mcp.WithWorkflowSessions(McpDaprConfiguration.SessionsSection);
#endif

        // 200 while the app runs; the body says whether the Dapr sidecar answers (Degraded when it does not).
        builder.Services.AddHealthChecks().AddDaprSidecarCheck();
        AddTelemetry(builder);

        var app = builder.Build();
        app.MapSubscribeHandler().RequireDaprAppToken(); // GET /dapr/subscribe; with APP_API_TOKEN set, only for the sidecar
        app.MapMcpPubSub();                // POST /mcp/pubsub/requests: MCP requests from the topic
        app.MapMcpDeadLetters();           // POST /mcp/pubsub/deadletters: counts and logs what could never be processed
        app.MapMcp("/mcp");                // Streamable HTTP; Host and Origin checked first (Mcp:Http in appsettings.json)
        app.MapHealthChecks("/healthz");   // polled by daprd (appHealthCheckPath in dapr.yaml)
        return app;
    }

    /// <summary>
    /// Traces (the Dapr transport, the MCP SDK, ASP.NET Core, outgoing HTTP) and metrics (messages in and out per topic,
    /// drops by reason), exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and not at all otherwise.
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(McpDaprTelemetry.ActivitySourceName, McpSdkActivitySource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(McpDaprTelemetry.MeterName)
                .AddAspNetCoreInstrumentation())
            .UseOtlpExporter();
    }
}
