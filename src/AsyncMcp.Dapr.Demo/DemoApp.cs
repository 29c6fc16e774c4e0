using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Demo;

/// <summary>One app of the demo, running in this process, with its emulated sidecar.</summary>
internal sealed class DemoApp(string appId, WebApplication app, DaprSidecar sidecar, Uri address) : IAsyncDisposable
{
    /// <summary>The Dapr app-id, as in dapr.yaml.</summary>
    public string AppId { get; } = appId;

    /// <summary>The app.</summary>
    public WebApplication App { get; } = app;

    /// <summary>Where the app listens.</summary>
    public Uri Address { get; } = address;

    /// <summary>Stops the sidecar first (no more deliveries), then the app.</summary>
    public async ValueTask DisposeAsync()
    {
        await sidecar.StopAsync();
        await App.StopAsync();
        await App.DisposeAsync();
        await sidecar.DisposeAsync();
    }
}
