using AsyncMcp.Dapr.Apps;
using AsyncMcp.Dapr.Client;
using Dapr.Client;

const string Usage = """
    AsyncMcp.Dapr sample client: one scripted round trip with the sample server over Dapr pub/sub (tools, progress,
    sampling, elicitation, a resource, a prompt), printed, then exit: 0 when every step worked.

    Run it beside a Dapr sidecar (dapr run sets APP_ID and the sidecar's ports), with the server running:
      dapr run --app-id client --app-port 5200 --resources-path ./components/local -- \
        dotnet run --project src/AsyncMcp.Dapr.Client --urls http://localhost:5200

    Options (any setting of appsettings.json, as --Section:Key value or Section__Key environment variables):
      --urls <url>                          where the app listens for replies (the sidecar's --app-port)
      --Mcp:PubSub:ServerTopic <topic>      the server's request topic (mcp-requests)
      --Mcp:PubSub:PubSubName <name>        the Dapr pub/sub component (pubsub)
      --Demo:ProtocolVersion 2025-11-25     open a session (default: the SDK's 2026-07-28, sessionless)
      --Demo:SlowJobSteps <n>               steps of the slow job (3)
      --Demo:TimeoutSeconds <s>             give up after this long (120)
      OTEL_EXPORTER_OTLP_ENDPOINT=<url>     export traces and metrics over OTLP
      -h, --help                            this text

    """;

return await AppCommandLine.RunAsync(args, Usage, RunAsync);

// Runs the demo once against the server, then exits: 0 when every step worked.
static async Task<int> RunAsync(string[] args)
{
    var app = ClientApp.Build(args);
    await app.StartAsync();
    var configuration = app.Configuration;
    try
    {
        // The sidecar must have found this app and read its subscriptions before the first reply can arrive: daprd's
        // /v1.0/healthz answers 204 only then (the outbound health WaitForSidecarAsync reads is ready earlier).
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            var dapr = app.Services.GetRequiredService<DaprClient>();
            await dapr.WaitForSidecarAsync(wait.Token);
            while (!await dapr.CheckHealthAsync(wait.Token))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), wait.Token);
            }
        }

        // Optional: where the server starts together with this client and may not yet have subscribed (docker compose).
        if (configuration.GetValue("Demo:StartDelaySeconds", 0.0) is > 0 and var delay)
        {
            await Task.Delay(TimeSpan.FromSeconds(delay));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(configuration.GetValue("Demo:TimeoutSeconds", 120.0)));
        await app.Services.GetRequiredService<ClientDemo>().RunAsync(
            configuration["Demo:ProtocolVersion"], configuration.GetValue("Demo:SlowJobSteps", 3), timeout.Token);
        return 0;
    }
    catch (Exception ex)
    {
        await Console.Error.WriteLineAsync($"demo failed: {ex.Message}");
        return 1;
    }
    finally
    {
        await app.StopAsync();
    }
}
