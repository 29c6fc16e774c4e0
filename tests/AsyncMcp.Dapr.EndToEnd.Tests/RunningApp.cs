using AsyncMcp.Dapr.Emulator;
using Microsoft.AspNetCore.Builder;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>An app started in-process with its emulated sidecar.</summary>
internal sealed class RunningApp(string appId, WebApplication app, DaprSidecar sidecar, Uri baseAddress) : IAsyncDisposable
{
    /// <summary>Where the app listens, e.g. http://127.0.0.1:PORT/.</summary>
    public Uri BaseAddress { get; } = baseAddress;

    public string AppId { get; } = appId;

    public WebApplication App { get; } = app;

    public DaprSidecar Sidecar { get; } = sidecar;

    public T Service<T>() where T : notnull => (T)App.Services.GetService(typeof(T))!;

    public async ValueTask DisposeAsync()
    {
        await Sidecar.StopAsync();
        await App.StopAsync();
        await App.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}
