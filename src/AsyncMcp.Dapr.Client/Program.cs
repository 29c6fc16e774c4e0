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
      --Demo:SidecarWaitSeconds <s>         how long to wait for the Dapr sidecar to answer (5)
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
        if (await SidecarProblemAsync(app) is { } problem)
        {
            await Console.Error.WriteLineAsync($"error: {problem}");
            return 1;
        }

        // Optional: where the server starts together with this client and may not yet have subscribed (docker compose).
        if (configuration.GetValue("Demo:StartDelaySeconds", 0.0) is > 0 and var delay)
        {
            await Task.Delay(TimeSpan.FromSeconds(delay));
        }

        var limit = TimeSpan.FromSeconds(configuration.GetValue("Demo:TimeoutSeconds", 120.0));
        using var timeout = new CancellationTokenSource(limit);

        // SIGTERM or Ctrl+C: the step under way gets the drain period to finish, then the demo stops.
        using var stopping = app.Lifetime.ApplicationStopping.Register(() => timeout.CancelAfter(AppShutdown.DrainPeriod(configuration)));
        try
        {
            await app.Services.GetRequiredService<ClientDemo>().RunAsync(
                configuration["Demo:ProtocolVersion"], configuration.GetValue("Demo:SlowJobSteps", 3), timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync(app.Lifetime.ApplicationStopping.IsCancellationRequested
                ? "demo stopped: the app was asked to stop (SIGTERM or Ctrl+C) before the round trip finished"
                : $"demo failed: no answer from the server within {limit.TotalSeconds:0} s (is the server running and subscribed to its request topic?)");
            return 1;
        }

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

// Null once the sidecar answers and has read this app's subscriptions; otherwise one line saying what is missing.
static async Task<string?> SidecarProblemAsync(WebApplication app)
{
    var configuration = app.Configuration;
    var dapr = app.Services.GetRequiredService<DaprClient>();
    var endpoint = configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } configured
        ? configured
        : $"http://127.0.0.1:{configuration["DAPR_HTTP_PORT"] ?? "3500"}";
    var wait = TimeSpan.FromSeconds(configuration.GetValue("Demo:SidecarWaitSeconds", 5.0));
    using (var reachable = new CancellationTokenSource(wait))
    {
        try
        {
            // The outbound health answers as soon as daprd's APIs are up.
            await dapr.WaitForSidecarAsync(reachable.Token);
        }
        catch (OperationCanceledException)
        {
            var hint = configuration["DAPR_HTTP_PORT"] is null && configuration["DAPR_HTTP_ENDPOINT"] is null
                ? " (DAPR_HTTP_PORT is not set: the client was not started by `dapr run`)"
                : string.Empty;
            return $"no Dapr sidecar answers at {endpoint} within {wait.TotalSeconds:0} s{hint}. Start the client with " +
                "`dapr run --app-id client --app-port 5200 --resources-path ./components/local -- dotnet run --project src/AsyncMcp.Dapr.Client " +
                "--urls http://localhost:5200`, or everything without Dapr with `dotnet run --project src/AsyncMcp.Dapr.Demo`.";
        }
    }

    // The sidecar must have found this app and read its subscriptions before the first reply can arrive: daprd's
    // /v1.0/healthz answers 204 only then (the outbound health above is ready earlier).
    using var subscribed = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    try
    {
        while (!await dapr.CheckHealthAsync(subscribed.Token))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), subscribed.Token);
        }
    }
    catch (OperationCanceledException)
    {
        return $"the Dapr sidecar at {endpoint} answers but has not attached to this app within 60 s: is its --app-port the port " +
            $"this app listens on ({string.Join(", ", app.Urls)})?";
    }

    return null;
}
