using System.Net;
using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator.RunFiles;
using AsyncMcp.Dapr.Server;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wait = DotNet.Testcontainers.Builders.Wait;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>
/// Real Dapr in containers: a Docker network with the backing services of a component set (Redis or LocalStack),
/// Dapr placement and scheduler, and one daprd container per app reading a copy of components/{environment}, all
/// from the service definitions of docker-compose.yml (images, commands, flags; <see cref="ComposeFile"/>). The server and
/// the client run in this process; each daprd reaches its app through Testcontainers' host port exposure
/// (host.testcontainers.internal), each app reaches its daprd through the ports Docker maps.
/// </summary>
internal sealed class ContainerEnvironment : IAsyncDisposable
{
    /// <summary>The Dapr runtime of docker-compose.yml.</summary>
    public static string DaprVersion => ComposeFile.DaprVersion;

    private readonly List<IAsyncDisposable> _resources = [];
    private readonly List<WebApplication> _apps = [];
    private INetwork _network = null!;

    public PubSubClientTransport ClientTransport { get; private set; } = null!;

    /// <summary>
    /// Starts the environment, or skips the calling test with the reason when no Docker engine is available.
    /// </summary>
    /// <param name="environment">local or aws-emulator.</param>
    /// <param name="backingServices">The containers the component set talks to, given the network.</param>
    /// <param name="rewrite">Host names of the component files that differ inside the network (none for aws-emulator).</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<ContainerEnvironment> StartAsync(
        string environment,
        Func<INetwork, IContainer[]> backingServices,
        IReadOnlyDictionary<string, string> rewrite,
        CancellationToken ct)
    {
        var container = new ContainerEnvironment();
        try
        {
            container._network = new NetworkBuilder().Build();
        }
        catch (DockerUnavailableException e)
        {
            Assert.Skip($"No Docker engine here, so real daprd sidecars cannot run: {e.Message}");
        }

        try
        {
            await container.RunAsync(environment, backingServices, rewrite, ct);
            return container;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync(string environment, Func<INetwork, IContainer[]> backingServices, IReadOnlyDictionary<string, string> rewrite, CancellationToken ct)
    {
        _resources.Add(_network);
        await _network.CreateAsync(ct);

        var services = backingServices(_network).ToList();
        // The control plane as Compose runs it: placement for actors, the scheduler for reminders and workflows.
        foreach (var name in ControlPlane)
        {
            var definition = ComposeFile.Service(name);
            services.Add(new ContainerBuilder(definition.Image)
                .WithNetwork(_network).WithNetworkAliases(name)
                .WithCommand([.. definition.Command])
                .WithCreateParameterModifier(parameters => parameters.User = definition.User ?? string.Empty)
                .Build());
        }

        foreach (var service in services)
        {
            _resources.Add(service);
            await service.StartAsync(ct);
        }

        var components = CopyComponents(environment, rewrite);
        var serverPort = (ushort)FreePorts.Next();
        var clientPort = (ushort)FreePorts.Next();
        await TestcontainersSettings.ExposeHostPortsAsync([serverPort, clientPort], ct);

        // The sidecar first (it waits for its app), then the app with the sidecar's mapped ports.
        var serverSidecar = await StartDaprdAsync("server", serverPort, components, ct);
        await StartAppAsync("server", serverPort, serverSidecar, ServerApp.Build, ct);
        var clientSidecar = await StartDaprdAsync("client", clientPort, components, ct);
        var client = await StartAppAsync("client", clientPort, clientSidecar, ClientApp.Build, ct);

        // SNS drops what is published to a topic no queue is subscribed to yet: wait for both subscriptions.
        await WaitForSubscriptionAsync(serverSidecar, "mcp-requests", ct);
        await WaitForSubscriptionAsync(clientSidecar, "mcp-replies-client", ct);
        ClientTransport = client.Services.GetRequiredService<PubSubClientTransport>();
    }

    private async Task<IContainer> StartDaprdAsync(string appId, ushort appPort, string components, CancellationToken ct)
    {
        var daprd = new ContainerBuilder(ComposeFile.Service($"{appId}-dapr").Image)
            .WithNetwork(_network)
            .WithResourceMapping(new DirectoryInfo(components), "/components")
            .WithCommand([.. DaprdCommand(appId, appPort)])
            .WithPortBinding(3500, true)
            .WithPortBinding(50001, true)
            // Outbound health: components loaded, before the app is reachable.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request
                .ForPort(3500).ForPath("/v1.0/healthz/outbound").ForStatusCode(HttpStatusCode.NoContent)))
            .Build();
        _resources.Add(daprd);
        await daprd.StartAsync(ct);
        return daprd;
    }

    /// <summary>The services of docker-compose.yml this environment starts besides the backing services.</summary>
    public static readonly string[] ControlPlane = ["placement", "scheduler"];

    /// <summary>
    /// The daprd command of the app's sidecar in docker-compose.yml (placement, scheduler, resources, API ports), with the
    /// app reached through Testcontainers' host exposure instead of a shared network namespace.
    /// </summary>
    public static IReadOnlyList<string> DaprdCommand(string appId, ushort appPort)
    {
        var command = ComposeFile.Service($"{appId}-dapr").Command.ToList();
        command[command.IndexOf("--app-port") + 1] = appPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        command.AddRange(["--app-channel-address", "host.testcontainers.internal"]);
        return command;
    }

    private async Task<WebApplication> StartAppAsync(
        string appId, ushort port, IContainer daprd, Func<string[], Action<WebApplicationBuilder>, WebApplication> build, CancellationToken ct)
    {
        var app = build([], builder =>
        {
            builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DAPR_GRPC_ENDPOINT"] = $"http://{daprd.Hostname}:{daprd.GetMappedPublicPort(50001)}",
                ["DAPR_HTTP_ENDPOINT"] = $"http://{daprd.Hostname}:{daprd.GetMappedPublicPort(3500)}",
                ["Mcp:PubSub:AppId"] = appId,
                ["SampleServer:SlowJobStepMilliseconds"] = "20",
            });
            builder.Logging.ClearProviders();
        });
        _apps.Add(app);
        await app.StartAsync(ct);
        return app;
    }

    private static async Task WaitForSubscriptionAsync(IContainer daprd, string topic, CancellationToken ct)
    {
        using var http = new HttpClient();
        var metadata = new Uri($"http://{daprd.Hostname}:{daprd.GetMappedPublicPort(3500)}/v1.0/metadata");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (!(await http.GetStringAsync(metadata, timeout.Token)).Contains($"\"{topic}\"", StringComparison.Ordinal))
        {
            await Task.Delay(200, timeout.Token);
        }
    }

    private static string CopyComponents(string environment, IReadOnlyDictionary<string, string> rewrite)
    {
        var target = Directory.CreateTempSubdirectory($"asyncmcp-{environment}-").FullName;
        foreach (var file in Directory.GetFiles(Repository.PathOf($"components/{environment}"), "*.yaml"))
        {
            var text = File.ReadAllText(file);
            foreach (var (from, to) in rewrite)
            {
                text = text.Replace(from, to, StringComparison.Ordinal);
            }

            File.WriteAllText(Path.Combine(target, Path.GetFileName(file)), text);
        }

        return target;
    }


    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        foreach (var resource in Enumerable.Reverse(_resources))
        {
            await resource.DisposeAsync();
        }
    }
}
