using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncMcp.Dapr.Emulator.Tests.Actors;

/// <summary>An app instance hosting <see cref="TestActor"/> with Dapr.Actors.AspNetCore, next to its own emulated sidecar.</summary>
public sealed class ActorTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ActorTestApp(WebApplication app, DaprSidecar sidecar, ActorProbe probe)
    {
        _app = app;
        Sidecar = sidecar;
        Probe = probe;
    }

    public DaprSidecar Sidecar { get; }

    public ActorProbe Probe { get; }

    public static async Task<ActorTestApp> StartAsync(DaprEmulator emulator, string appId, string instance, TimeSpan? idleTimeout = null, TimeSpan? scanInterval = null)
    {
        var sidecar = await emulator.StartSidecarAsync(appId);
        var probe = new ActorProbe(instance);
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddSingleton(probe);
        builder.Services.AddActors(options =>
        {
            options.Actors.RegisterActor<TestActor>();
            options.HttpEndpoint = sidecar.HttpEndpoint.ToString().TrimEnd('/');
            options.ActorIdleTimeout = idleTimeout ?? TimeSpan.FromMinutes(60);
            options.ActorScanInterval = scanInterval ?? TimeSpan.FromSeconds(30);
            options.DrainOngoingCallTimeout = TimeSpan.FromSeconds(5);
        });
        var app = builder.Build();
        app.MapActorsHandlers();
        await sidecar.AttachAppAsync(await LoopbackApp.StartAsync(app));
        return new ActorTestApp(app, sidecar, probe);
    }

    /// <summary>The app and its sidecar go away together.</summary>
    public async ValueTask DisposeAsync()
    {
        await Sidecar.StopAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
