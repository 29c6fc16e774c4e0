namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>How a <see cref="MultiAppRun"/> runs a run file.</summary>
public sealed class MultiAppRunOptions
{
    /// <summary>
    /// Instances per app-id (default 1). Real Dapr has no run-file key for this; replicas after the first listen on free
    /// ports (every command argument that names <c>appPort</c> is pointed at the replica's own port) and share the
    /// app-id, so they form one consumer group and share the actor placement.
    /// </summary>
    public IDictionary<string, int> Replicas { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Where the apps' output lines and the runner's own lines go. Default: standard output.</summary>
    public TextWriter Output { get; set; } = Console.Out;

    /// <summary>Changes an instance's environment after the run file's (for example, settings a test needs).</summary>
    public Action<AppReplica, IDictionary<string, string>>? ConfigureEnvironment { get; set; }

    /// <summary>Replaces an app's <c>command</c> (for example, a built assembly instead of <c>dotnet run</c>). Null: the file's.</summary>
    public Func<RunFileApp, IReadOnlyList<string>>? Command { get; set; }

    /// <summary>
    /// The app API token every sidecar sends to its app in <c>dapr-api-token</c>, and that every app is given as
    /// <c>APP_API_TOKEN</c>. Default: this process's <c>APP_API_TOKEN</c>, as under <c>dapr run -f</c> daprd inherits the
    /// CLI's environment (the run file's <c>env</c> goes to the app only; dapr/cli pkg/standalone/run.go, GetAppCommand).
    /// </summary>
    public string? AppApiToken { get; set; } = Environment.GetEnvironmentVariable("APP_API_TOKEN") is { Length: > 0 } token ? token : null;

    /// <summary>Delivery retries and concurrency of the emulated sidecars; their logging is set by the run.</summary>
    public DaprEmulatorOptions Emulator { get; set; } = new();
}
