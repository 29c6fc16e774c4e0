using AsyncMcp.Dapr.Emulator.RunFiles;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>
/// Run files are read as the Dapr CLI reads them (dapr/cli pkg/runfileconfig/run_file_config.go and
/// run_file_config_parser.go, pkg/standalone/run.go for the keys and defaults), and the repository's run files pass.
/// </summary>
public sealed class RunFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("runfile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string> RepositoryRunFiles => new()
    {
        { "dapr.yaml", "local" },
        { "dapr.aws-emulator.yaml", "aws-emulator" },
        { "dapr.aws.yaml", "aws" },
    };

    [Theory]
    [MemberData(nameof(RepositoryRunFiles))]
    public void Repository_run_files_parse_without_warnings_and_every_path_exists(string file, string environment)
    {
        var runFile = RunFile.Load(Repository.PathOf(file));

        Assert.Empty(runFile.Warnings);
        Assert.Equal(1, runFile.Version);
        Assert.Equal(["server", "proxy", "client"], runFile.Apps.Select(a => a.AppId));
        foreach (var app in runFile.Apps)
        {
            Assert.Equal([Repository.PathOf($"components/{environment}")], app.ResourcesPaths);
            Assert.True(Directory.Exists(app.AppDirPath), app.AppDirPath);
            Assert.Single(Directory.GetFiles(app.AppDirPath, "*.csproj"));
            Assert.Equal(["dotnet", "run", "--", "--urls", $"http://localhost:{app.AppPort}"], app.Command);

            // common: appLogDestination console, daprdLogDestination file, merged into every app.
            Assert.Equal(LogDestination.Console, app.AppLogDestination);
            Assert.Equal(LogDestination.File, app.DaprdLogDestination);

            // No fixed start delay: the emulator's run waits for health, the client for its sidecar's readiness.
            Assert.DoesNotContain(app.Env.Keys, key => key.Contains("StartDelay", StringComparison.Ordinal));
        }

        var server = runFile.Apps[0];
        Assert.True(server.EnableAppHealthCheck);
        Assert.Equal("/healthz", server.AppHealthCheckPath);
    }

    [Fact]
    public void A_folder_stands_for_its_dapr_yaml_and_a_file_must_be_yaml()
    {
        Assert.Equal(Repository.PathOf("dapr.yaml"), RunFile.Load(Repository.Root).Path);
        var error = Assert.Throws<RunFileException>(() => RunFile.Load(Repository.PathOf("README.md")));
        Assert.Contains("is not a YAML file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_reported_with_their_line_and_known_ones_the_emulator_ignores_are_named()
    {
        var runFile = Load("""
            version: 1
            common:
              resourcesPaths: [./res]
              appLogDestination: console
              logLevel: debug
              appID: misplaced
            apps:
            - appID: a
              appDirPath: ./a
              appport: 5000
              metricsPort: 9090
              commnd: ["x"]
            """);

        Assert.Collection(runFile.Warnings,
            w => Assert.Contains(":5: common.logLevel is not emulated", w, StringComparison.Ordinal),
            w => Assert.Contains(":6: common.appID belongs to an app, not to common", w, StringComparison.Ordinal),
            w => Assert.Contains(":10: unknown key apps[0].appport (did you mean appPort? keys are case-sensitive)", w, StringComparison.Ordinal),
            w => Assert.Contains(":11: apps[0].metricsPort is not emulated", w, StringComparison.Ordinal),
            w => Assert.Contains(":12: unknown key apps[0].commnd", w, StringComparison.Ordinal));
        Assert.Equal(0, runFile.Apps[0].AppPort);
    }

    [Fact]
    public void Version_and_appDirPath_are_required_as_in_the_cli()
    {
        Assert.Contains("required field 'version' not found", Assert.Throws<RunFileException>(() => Load("apps:\n- appID: a\n  appDirPath: ./a\n")).Message, StringComparison.Ordinal);
        Assert.Contains("required field 'appDirPath' not found", Assert.Throws<RunFileException>(() => Load("version: 1\napps:\n- appID: a\n")).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<RunFileException>(() => Load("version: 1\napps:\n- appDirPath: ./nowhere\n")).Message, StringComparison.Ordinal);
        Assert.Contains("invalid log destination", Assert.Throws<RunFileException>(() => Load("version: 1\ncommon:\n  resourcesPaths: [./res]\n  appLogDestination: screen\napps:\n- appDirPath: ./a\n")).Message, StringComparison.Ordinal);
        Assert.Contains("appProtocol grpc is not emulated", Assert.Throws<RunFileException>(() => Load("version: 1\ncommon:\n  resourcesPaths: [./res]\napps:\n- appDirPath: ./a\n  appProtocol: grpc\n")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Common_settings_merge_into_apps_and_the_app_wins_with_the_cli_defaults_elsewhere()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "b", ".dapr", "resources"));
        var runFile = Load("""
            version: 1
            common:
              resourcesPaths: [./res]
              enableAppHealthCheck: true
              appHealthProbeInterval: 2
              env:
                SHARED: common
                OVERRIDDEN: common
            apps:
            - appDirPath: ./a
              env:
                OVERRIDDEN: app
            - appID: b
              appDirPath: ./b
              appHealthProbeInterval: 7
              appLogDestination: file
            """);

        var (a, b) = (runFile.Apps[0], runFile.Apps[1]);
        Assert.Equal("a", a.AppId);
        Assert.Equal(new Dictionary<string, string> { ["SHARED"] = "common", ["OVERRIDDEN"] = "app" }, a.Env);
        Assert.True(a.EnableAppHealthCheck);
        Assert.Equal(TimeSpan.FromSeconds(2), a.AppHealthProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), b.AppHealthProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), a.AppHealthProbeTimeout);
        Assert.Equal(3, a.AppHealthThreshold);
        Assert.Equal("/healthz", a.AppHealthCheckPath);

        // The CLI's defaults: appLogDestination fileAndConsole, daprdLogDestination file.
        Assert.Equal(LogDestination.FileAndConsole, a.AppLogDestination);
        Assert.Equal(LogDestination.File, b.AppLogDestination);
        Assert.Equal(LogDestination.File, a.DaprdLogDestination);

        // Resources: {appDirPath}/.dapr/resources comes before common.resourcesPaths.
        Assert.Equal([Path.Combine(_folder, "res")], a.ResourcesPaths);
        Assert.Equal([Path.Combine(_folder, "b", ".dapr", "resources")], b.ResourcesPaths);
    }

    [Fact]
    public async Task The_emulator_runs_one_component_set_and_replicas_must_name_an_app()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "b", ".dapr", "resources"));
        var split = Load("version: 1\ncommon:\n  resourcesPaths: [./res]\napps:\n- appDirPath: ./a\n- appDirPath: ./b\n");
        var error = await Assert.ThrowsAsync<RunFileException>(() => MultiAppRun.StartAsync(split, new MultiAppRunOptions { Output = TextWriter.Null }, TestContext.Current.CancellationToken));
        Assert.Contains("one set of components", error.Message, StringComparison.Ordinal);

        var one = Load("version: 1\ncommon:\n  resourcesPaths: [./res]\napps:\n- appDirPath: ./a\n");
        var options = new MultiAppRunOptions { Output = TextWriter.Null };
        options.Replicas["nobody"] = 2;
        error = await Assert.ThrowsAsync<RunFileException>(() => MultiAppRun.StartAsync(one, options, TestContext.Current.CancellationToken));
        Assert.Contains("no app 'nobody'", error.Message, StringComparison.Ordinal);
    }

    private RunFile Load(string yaml)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "a"));
        Directory.CreateDirectory(Path.Combine(_folder, "b"));
        Directory.CreateDirectory(Path.Combine(_folder, "res"));
        var path = Path.Combine(_folder, "dapr.yaml");
        File.WriteAllText(path, yaml);
        return RunFile.Load(path);
    }
}
