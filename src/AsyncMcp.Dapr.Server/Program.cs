using AsyncMcp.Dapr.Apps;
using AsyncMcp.Dapr.Server;

const string Usage = """
    AsyncMcp.Dapr sample MCP server: tools, resources and prompts over Dapr pub/sub, and Streamable HTTP at /mcp.

    Run it beside a Dapr sidecar (dapr run sets APP_ID and the sidecar's ports):
      dapr run --app-id server --app-port 5100 --resources-path ./components/local -- \
        dotnet run --project src/AsyncMcp.Dapr.Server --urls http://localhost:5100
    or with no Dapr at all: dotnet run --project src/AsyncMcp.Dapr.Demo

    Options (any setting of appsettings.json, as --Section:Key value or Section__Key environment variables):
      --urls <url>                          where the app listens (the sidecar's --app-port)
      --Mcp:PubSub:PubSubName <name>        the Dapr pub/sub component (pubsub)
      --Mcp:PubSub:Topic <topic>            where clients publish requests (mcp-requests)
      --Mcp:PubSub:AppId <app-id>           the app's Dapr app-id (APP_ID, which dapr run sets)
      --Mcp:Sessions:Actors true            host each session as a Dapr actor (several replicas)
      --Mcp:Http:Route <path>               the Streamable HTTP door (/mcp)
      --SampleServer:SlowJobStepMilliseconds <ms>   each step of slow_job (1000)
      OTEL_EXPORTER_OTLP_ENDPOINT=<url>     export traces and metrics over OTLP
      -h, --help                            this text

    """;

return await AppCommandLine.RunAsync(args, Usage, async arguments =>
{
    await ServerApp.Build(arguments).RunAsync();
    return 0;
});
