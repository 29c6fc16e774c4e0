using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AsyncMcp.Dapr.Emulator;

/// <summary>Starts apps wired to emulated sidecars, the way <c>dapr run</c> wires an app to daprd.</summary>
public static class DaprEmulatorAppExtensions
{
    /// <summary>
    /// Starts a sidecar for <paramref name="appId"/>, builds and starts the app with the sidecar's endpoints in its
    /// configuration (<c>DAPR_GRPC_ENDPOINT</c>, <c>DAPR_HTTP_ENDPOINT</c>, which the Dapr .NET SDK reads), then attaches
    /// the sidecar to the app, which reads its subscriptions and actor types and starts delivering. An
    /// <c>APP_API_TOKEN</c> among <paramref name="settings"/> is the app API token the sidecar sends to the app.
    /// </summary>
    /// <param name="emulator">The emulated cluster.</param>
    /// <param name="appId">The Dapr app-id.</param>
    /// <param name="build">Builds the app from arguments and a hook that runs before its services are added.</param>
    /// <param name="settings">Configuration added to the app's own.</param>
    /// <param name="url">Where the app listens; a free loopback port by default.</param>
    /// <param name="configure">More changes to the app's builder, such as logging.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running app; dispose it to stop it and its sidecar.</returns>
    public static async Task<EmulatedApp> StartAppAsync(
        this DaprEmulator emulator,
        string appId,
        Func<string[], Action<WebApplicationBuilder>, WebApplication> build,
        IDictionary<string, string?>? settings = null,
        string url = "http://127.0.0.1:0",
        Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(build);
        var sidecar = await emulator.StartSidecarAsync(appId, cancellationToken).ConfigureAwait(false);
        var configuration = new Dictionary<string, string?>
        {
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString(),
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        WebApplication? app = null;
        try
        {
            app = build([], builder =>
            {
                builder.WebHost.UseUrls(url);
                builder.Configuration.AddInMemoryCollection(configuration);
                configure?.Invoke(builder);
            });
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            // dapr run gives daprd and the app one environment: an APP_API_TOKEN among the settings goes to both.
            configuration.TryGetValue("APP_API_TOKEN", out var appApiToken);
            await sidecar.AttachAppAsync(address, appApiToken, cancellationToken).ConfigureAwait(false);
            return new EmulatedApp(appId, app, sidecar, address);
        }
        catch
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }
}
