using AsyncMcp.Dapr.Apps;
using AsyncMcp.Dapr.Proxy;

const string Usage = """
    AsyncMcp.Dapr proxy: standard MCP clients in front (Streamable HTTP, or stdio), an MCP server over Dapr pub/sub behind.

    Run it beside a Dapr sidecar (dapr run sets APP_ID and the sidecar's ports):
      dapr run --app-id proxy --app-port 8080 --resources-path ./components/local -- \
        dotnet run --project src/AsyncMcp.Dapr.Proxy --urls http://localhost:8080
    then point a client at http://localhost:8080/mcp (docs/proxy.md).

    Options (any setting of appsettings.json, as --Section:Key value or Section__Key environment variables):
      --urls <url>                          where the app listens (the sidecar's --app-port)
      --stdio                               serve one client on stdin/stdout instead of HTTP
      --Proxy:Path <path>                   the MCP endpoint (/mcp)
      --Proxy:AllowedHosts:0 <host>         a Host name clients may use (localhost names by default)
      --Proxy:AllowedOrigins:0 <origin>     a browser Origin that may call the proxy
      --Proxy:BearerToken <token>           require this bearer token
      --Mcp:PubSub:ServerTopic <topic>      the server's request topic (mcp-requests)
      --Mcp:PubSub:PubSubName <name>        the Dapr pub/sub component (pubsub)
      --Mcp:PubSub:AppId <app-id>           the app's Dapr app-id (APP_ID, which dapr run sets)
      OTEL_EXPORTER_OTLP_ENDPOINT=<url>     export traces and metrics over OTLP
      -h, --help                            this text

    """;

return await AppCommandLine.RunAsync(args, Usage, async arguments =>
{
    await ProxyApp.Build(arguments).RunAsync();
    return 0;
});
