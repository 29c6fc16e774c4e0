using AsyncMcp.Dapr.Emulator;
using Microsoft.AspNetCore.Builder;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>An app started in-process with its emulated sidecar.</summary>
internal sealed class RunningApp(string appId, WebApplication app, DaprSidecar sidecar) : IAsyncDisposable
{
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
