namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// One entry of a run file's <c>apps</c>, merged with <c>common</c> and with every path made absolute, as the Dapr CLI
/// does before it starts the app (dapr/cli <c>pkg/runfileconfig/run_file_config_parser.go</c>).
/// </summary>
public sealed class RunFileApp
{
    /// <summary><c>appID</c>; the name of <see cref="AppDirPath"/> when omitted.</summary>
    public required string AppId { get; init; }

    /// <summary><c>appDirPath</c>, absolute: where <see cref="Command"/> runs.</summary>
    public required string AppDirPath { get; init; }

    /// <summary><c>appPort</c>, or 0 when the app takes no calls from its sidecar.</summary>
    public int AppPort { get; init; }

    /// <summary><c>appChannelAddress</c>: the host the sidecar reaches the app on. Default 127.0.0.1.</summary>
    public string AppChannelAddress { get; init; } = "127.0.0.1";

    /// <summary><c>appProtocol</c>. Default <c>http</c>, the only one the emulator speaks.</summary>
    public string AppProtocol { get; init; } = "http";

    /// <summary><c>command</c>: the program and its arguments; empty when only a sidecar is wanted.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary><c>env</c> of the app merged over <c>env</c> of <c>common</c>.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The resources folders, absolute, by the CLI's precedence: the app's <c>resourcesPaths</c>, then
    /// <c>{appDirPath}/.dapr/resources</c>, then <c>common.resourcesPaths</c>, then <c>~/.dapr/components</c>.</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// <summary><c>daprHTTPPort</c>, or 0 for a free port.</summary>
    public int DaprHttpPort { get; init; }

    /// <summary><c>daprGRPCPort</c>, or 0 for a free port.</summary>
    public int DaprGrpcPort { get; init; }

    /// <summary><c>enableAppHealthCheck</c>.</summary>
    public bool EnableAppHealthCheck { get; init; }

    /// <summary><c>appHealthCheckPath</c>. Default <c>/healthz</c>, as daprd's <c>--app-health-check-path</c>.</summary>
    public string AppHealthCheckPath { get; init; } = "/healthz";

    /// <summary><c>appHealthProbeInterval</c> (seconds). Default 5 s, as daprd.</summary>
    public TimeSpan AppHealthProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>appHealthProbeTimeout</c> (milliseconds). Default 500 ms, as daprd.</summary>
    public TimeSpan AppHealthProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>appHealthThreshold</c>: failed probes in a row before the app counts as unhealthy. Default 3, as daprd.</summary>
    public int AppHealthThreshold { get; init; } = 3;

    /// <summary><c>appLogDestination</c>. Default <see cref="LogDestination.FileAndConsole"/>, as the CLI.</summary>
    public LogDestination AppLogDestination { get; init; } = LogDestination.FileAndConsole;

    /// <summary><c>daprdLogDestination</c>. Default <see cref="LogDestination.File"/>, as the CLI.</summary>
    public LogDestination DaprdLogDestination { get; init; } = LogDestination.File;

    /// <summary>The folder the CLI writes this app's log files to: <c>{appDirPath}/.dapr/logs</c>.</summary>
    public string LogsDirectory => Path.Combine(AppDirPath, ".dapr", "logs");
}
