using System.Diagnostics;
using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>
/// Done once for every test of the template: pack, install and instantiate the template, build the project, and run
/// it as a process against an emulated Dapr sidecar loaded from the generated <c>components/local</c>, next to a
/// client app on a sidecar of its own. Each step's duration is printed as a diagnostic message.
/// </summary>
public sealed class TemplateFixture : IAsyncLifetime
{
    private string _work = null!;
    private GeneratedServer? _server;
    private EmulatedApp? _client;

    internal GeneratedProject Project { get; private set; } = null!;

    internal DaprEmulator Emulator { get; private set; } = null!;

    internal GeneratedServer Server => _server!;

    internal PubSubClientTransport Transport => PubSubClientApp.Transport(_client!.App);

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        _work = Directory.CreateTempSubdirectory("asyncmcp-template-test-").FullName;
        Report($"working in {_work}");
        Project = await GeneratedProject.CreateAsync(_work, StepAsync, ct);
        await StepAsync("start the generated server against an emulated sidecar, and a client app", async () =>
        {
            Emulator = DaprEmulator.FromResources(Project.PathOf("components/local"));
            _server = await GeneratedServer.StartAsync(Project, await Emulator.StartSidecarAsync(GeneratedProject.AppId, ct), ct);
            _client = await Emulator.StartAppAsync(PubSubClientApp.AppId, PubSubClientApp.Build, cancellationToken: ct);
        });
    }

    public async ValueTask DisposeAsync()
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

        if (_work is not null)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private async Task StepAsync(string what, Func<Task> step)
    {
        Report($"{what}...");
        var clock = Stopwatch.StartNew();
        await step();
        Report($"{what}: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static void Report(string line) => TestContext.Current.SendDiagnosticMessage("[template] " + line);
}
