using AsyncMcp.Dapr.Client;
using Dapr.Client;

// Runs the demo once against the server, then exits: 0 when every step worked.
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
