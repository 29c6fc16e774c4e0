using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>A project generated with some options and built (warnings as errors), once per test class.</summary>
public abstract class ProjectFixture(TemplatePackages packages, string name, params string[] options) : IAsyncLifetime
{
    public TemplatePackages Packages { get; } = packages;

    public GeneratedProject Project { get; private set; } = null!;

    public IReadOnlyList<string> Options { get; } = options;

    public virtual async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        Project = await Packages.CreateAsync(name, Options, timeout.Token);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runs the generated tests (<c>dotnet test</c> in the folder) and checks that all three passed.</summary>
    public async Task GeneratedTestsPassAsync(CancellationToken ct)
    {
        var output = await Packages.TestAsync(Project, ct);

        Assert.Contains("succeeded: 3", output, StringComparison.Ordinal);
        Assert.Contains("failed: 0", output, StringComparison.Ordinal);
    }
}

/// <summary>
/// <c>dotnet new asyncmcp-dapr -n Contoso.Orders</c> with the default options, built, and its server run as a process
/// against an emulated Dapr sidecar loaded from the generated <c>components/local</c>, next to a client app on a sidecar
/// of its own.
/// </summary>
public sealed class DefaultProjectFixture(TemplatePackages packages) : ProjectFixture(packages, "Contoso.Orders")
{
    private const string ClientAppId = "template-test-client";

    private GeneratedServer? _server;
    private EmulatedApp? _client;

    public DaprEmulator Emulator { get; private set; } = null!;

    internal GeneratedServer Server => _server!;

    internal PubSubClientTransport Transport => PubSubClientApp.Transport(_client!.App);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await TemplatePackages.StepAsync("start the generated server against an emulated sidecar, and a client app", async () =>
        {
            Emulator = DaprEmulator.FromResources(Project.PathOf("components/local"));
            _server = await GeneratedServer.StartAsync(Project, await Emulator.StartSidecarAsync(Project.AppId, ct), ct);
            _client = await Emulator.StartAppAsync(
                ClientAppId, (args, configure) => PubSubClientApp.Build(args, configure, Project.RequestTopic), cancellationToken: ct);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary><c>--session-host actors --port 5300</c>: sessions in Dapr actors, the app on another port.</summary>
public sealed class ActorSessionsProjectFixture(TemplatePackages packages)
    : ProjectFixture(packages, "Fabrikam.Jobs", "--session-host", "actors", "--port", "5300");

/// <summary><c>--session-host workflows --tasks</c>: sessions in Dapr workflow instances, the sample tool as an MCP task.</summary>
public sealed class WorkflowSessionsProjectFixture(TemplatePackages packages)
    : ProjectFixture(packages, "Tailspin.Agents", "--session-host", "workflows", "--tasks", "true");

/// <summary><c>--tests false</c>: the server alone.</summary>
public sealed class NoTestsProjectFixture(TemplatePackages packages) : ProjectFixture(packages, "Northwind", "--tests", "false");
