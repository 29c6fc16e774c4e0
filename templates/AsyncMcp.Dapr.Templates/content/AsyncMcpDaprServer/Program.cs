using AsyncMcpDaprServer.Tools;
using ModelContextProtocol.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.Configure<BatchToolOptions>(builder.Configuration.GetSection(BatchToolOptions.Section));
var mcp = builder.Services
    .AddMcpServer(options => options.ServerInfo = new() { Name = "AsyncMcpDaprServer", Version = "1.0.0" })
    .WithTools<BatchTools>()
    // Requests arrive as CloudEvents on a Dapr pub/sub topic; replies go back over pub/sub (Mcp:PubSub in appsettings.json).
    .WithDaprPubSubTransport(options => builder.Configuration.GetSection("Mcp:PubSub").Bind(options))
    // The same tools over standard Streamable HTTP at /mcp, for clients that hold a connection; both protocol generations.
    .WithHttpTransport(options => options.SessionMode = HttpServerSessionMode.StatefulForInitializeClients);

// Several replicas: host each MCP session as a Dapr actor (Mcp:Sessions:Actors=true), so that a session lives on one
// replica at a time and survives restarts. Needs the actor state store of components/local.
if (builder.Configuration.GetValue<bool>("Mcp:Sessions:Actors"))
{
    mcp.WithActorSessions(options => builder.Configuration.GetSection("Mcp:Sessions").Bind(options));
}

builder.Services.AddHealthChecks();

var app = builder.Build();
app.MapSubscribeHandler();         // GET /dapr/subscribe: the topics the sidecar delivers to this app
app.MapMcpPubSub();                // POST /mcp/pubsub/requests: MCP requests from the topic
app.MapMcpDeadLetters();           // POST /mcp/pubsub/deadletters: counts and logs what could never be processed
app.MapMcp("/mcp");                // Streamable HTTP
app.MapHealthChecks("/healthz");   // polled by daprd (appHealthCheckPath in dapr.yaml)
app.Run();
