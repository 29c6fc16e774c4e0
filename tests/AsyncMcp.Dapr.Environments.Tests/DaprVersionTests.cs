using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>
/// One Dapr runtime version for the whole repository: the Dapr .NET SDK's minor version, daprd, placement and scheduler
/// in docker-compose.yml, the Testcontainers environment (derived from Compose), the emulator's reported version,
/// the run files and the docs. None of the container paths can run here, so this test holds them together.
/// </summary>
public sealed class DaprVersionTests
{
    private static string Pinned => ComposeFile.DaprVersion;

    [Fact]
    public void The_runtime_version_matches_the_dapr_sdk_and_every_dapr_image_of_compose_uses_it()
    {
        var packages = XDocument.Load(Repository.PathOf("Directory.Packages.props"));
        var sdk = packages.Descendants("PackageVersion").Single(p => (string?)p.Attribute("Include") == "Dapr.Client").Attribute("Version")!.Value;
        Assert.Equal(string.Join('.', sdk.Split('.')[..2]), string.Join('.', Pinned.Split('.')[..2]));

        foreach (var (service, repository) in new[]
        {
            ("server-dapr", "daprio/daprd"), ("proxy-dapr", "daprio/daprd"), ("client-dapr", "daprio/daprd"),
            ("placement", "daprio/placement"), ("scheduler", "daprio/scheduler"),
        })
        {
            Assert.Equal(Pinned, ComposeFile.VersionOf(ComposeFile.Service(service).Image, repository));
        }
    }

    [Fact]
    public void The_container_environment_runs_the_control_plane_and_sidecars_of_compose_with_a_scheduler()
    {
        Assert.Equal(Pinned, ContainerEnvironment.DaprVersion);
        Assert.Equal(["placement", "scheduler"], ContainerEnvironment.ControlPlane);
        var scheduler = ComposeFile.Service("scheduler");
        Assert.Equal("./scheduler", scheduler.Command[0]);

        foreach (var app in new[] { "server", "client" })
        {
            var command = ContainerEnvironment.DaprdCommand(app, 5999);
            var sidecar = ComposeFile.Service($"{app}-dapr");
            Assert.Equal("./daprd", command[0]);
            Assert.Equal(app, command[command.ToList().IndexOf("--app-id") + 1]);
            Assert.Equal("5999", command[command.ToList().IndexOf("--app-port") + 1]);

            // The sidecars find placement and the scheduler under the service names that the environment gives them as aliases.
            Assert.Equal($"{ContainerEnvironment.ControlPlane[0]}:{ComposeFile.Service("placement").Flag("--port")}", sidecar.Flag("--placement-host-address"));
            Assert.Equal($"{ContainerEnvironment.ControlPlane[1]}:{scheduler.Flag("--port")}", sidecar.Flag("--scheduler-host-address"));
            Assert.Equal(sidecar.Flag("--scheduler-host-address"), command[command.ToList().IndexOf("--scheduler-host-address") + 1]);
        }
    }

    [Fact]
    public async Task The_emulator_reports_the_pinned_runtime_version()
    {
        await using var emulator = new DaprEmulator();
        var sidecar = await emulator.StartSidecarAsync("any", TestContext.Current.CancellationToken);
        using var http = new HttpClient();
        var metadata = await http.GetFromJsonAsync<JsonElement>(new Uri(sidecar.HttpEndpoint, "/v1.0/metadata"), TestContext.Current.CancellationToken);
        Assert.Equal($"{Pinned}-asyncmcp-emulator", metadata.GetProperty("runtimeVersion").GetString());
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/environments.md")]
    [InlineData("dapr.yaml")]
    [InlineData("dapr.aws-emulator.yaml")]
    [InlineData("dapr.aws.yaml")]
    public void Docs_and_run_files_name_the_pinned_version_and_no_other(string file)
    {
        var text = File.ReadAllText(Repository.PathOf(file));
        Assert.Contains($"--runtime-version {Pinned}", text, StringComparison.Ordinal);
        foreach (var old in new[] { "1.17.3", "1.16.0", "1.15." })
        {
            Assert.DoesNotContain(old, text, StringComparison.Ordinal);
        }
    }
}
