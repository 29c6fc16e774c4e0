using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>docker-compose.yml: valid for Compose, every mounted or built path exists, every app has its sidecar.</summary>
public sealed class DockerComposeTests
{
    private static YamlMappingNode Services()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Repository.PathOf("docker-compose.yml"));
        stream.Load(reader);
        return ResourceFile.Mapping((YamlMappingNode)stream.Documents.Single().RootNode, "services")!;
    }

    [Fact]
    public async Task Docker_compose_config_accepts_the_file()
    {
        // `docker-compose config` parses, interpolates and validates the file without a Docker engine.
        var start = new ProcessStartInfo("docker-compose", ["-f", "docker-compose.yml", "config", "--quiet"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Skip($"docker-compose is not installed ({e.Message}); `bash .ci/run` installs it with apt-get.");
            return;
        }

        using var compose = process!;
        var error = await compose.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await compose.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(compose.ExitCode == 0, $"docker-compose config failed: {error}");
    }

    [Fact]
    public void Every_app_has_a_daprd_sidecar_in_its_network_namespace_with_the_same_app_id()
    {
        var services = Services();
        foreach (var app in Repository.AppIds)
        {
            var sidecar = ResourceFile.Mapping(services, $"{app}-dapr");
            Assert.NotNull(sidecar);
            Assert.Equal($"service:{app}", ResourceFile.Scalar(sidecar, "network_mode"));
            var command = ((YamlSequenceNode)sidecar!.Children[new YamlScalarNode("command")]).OfType<YamlScalarNode>().Select(n => n.Value).ToList();
            Assert.Equal("./daprd", command[0]);
            Assert.Equal(app, command[command.IndexOf("--app-id") + 1]);
            Assert.Equal("/components", command[command.IndexOf("--resources-path") + 1]);
            Assert.Contains("--placement-host-address", command);
            Assert.Contains("--scheduler-host-address", command);

            // The app listens where its sidecar delivers.
            var appPort = command[command.IndexOf("--app-port") + 1];
            var environment = ResourceFile.Mapping(ResourceFile.Mapping(services, app), "environment")!;
            Assert.Equal($"http://+:{appPort}", ResourceFile.Scalar(environment, "ASPNETCORE_URLS"));
        }

        foreach (var infrastructure in new[] { "placement", "scheduler", "localstack", "redis" })
        {
            Assert.NotNull(ResourceFile.Mapping(services, infrastructure));
        }
    }

    [Fact]
    public void Every_mounted_path_and_built_app_exists()
    {
        var text = File.ReadAllText(Repository.PathOf("docker-compose.yml"));
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- ./", StringComparison.Ordinal)))
        {
            var source = line[2..].Split(':')[0];
            Assert.True(Path.Exists(Repository.PathOf(source)), $"docker-compose.yml mounts {source}, which does not exist");
        }

        Assert.True(File.Exists(Repository.PathOf("Dockerfile")));
        var services = Services();
        foreach (var app in Repository.AppIds)
        {
            var project = ResourceFile.Scalar(ResourceFile.Mapping(ResourceFile.Mapping(ResourceFile.Mapping(services, app), "build"), "args"), "APP")!;
            if (app == "proxy" && !Directory.Exists(Repository.PathOf($"src/{project}")))
            {
                Assert.Skip($"src/{project} is not in this checkout yet (the proxy app); its service is kept for it.");
            }

            Assert.True(File.Exists(Repository.PathOf($"src/{project}/{project}.csproj")), $"docker-compose.yml builds {project}, which does not exist");
        }
    }
}
