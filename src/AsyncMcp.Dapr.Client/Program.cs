using AsyncMcp.Dapr.Client;
using Dapr.Client;

// Runs the demo once against the server, then exits: 0 when every step worked.
var app = ClientApp.Build(args);
await app.StartAsync();
var configuration = app.Configuration;
try
{
    // The sidecar must be up and have read this app's subscriptions before the first reply can arrive.
    using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
    {
        await app.Services.GetRequiredService<DaprClient>().WaitForSidecarAsync(wait.Token);
    }

    await Task.Delay(TimeSpan.FromSeconds(configuration.GetValue("Demo:StartDelaySeconds", 2.0)));
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
