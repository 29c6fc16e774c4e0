using Microsoft.AspNetCore.Builder;

namespace AsyncMcp.Dapr.Emulator;

/// <summary>An ASP.NET Core app running in this process with its own emulated sidecar.</summary>
public sealed class EmulatedApp : IAsyncDisposable
{
    internal EmulatedApp(string appId, WebApplication app, DaprSidecar sidecar, Uri address)
    {
        AppId = appId;
        App = app;
        Sidecar = sidecar;
        Address = address;
    }

    /// <summary>The Dapr app-id.</summary>
    public string AppId { get; }

    /// <summary>The app.</summary>
    public WebApplication App { get; }

    /// <summary>The app's sidecar.</summary>
    public DaprSidecar Sidecar { get; }

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Stops the sidecar first (no more deliveries), then the app, as when a replica goes away.</summary>
    public async ValueTask DisposeAsync()
    {
        await Sidecar.StopAsync().ConfigureAwait(false);
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        await Sidecar.DisposeAsync().ConfigureAwait(false);
    }
}
