namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>Where a run file sends an app's or a sidecar's output (<c>appLogDestination</c>, <c>daprdLogDestination</c>).</summary>
public enum LogDestination
{
    /// <summary><c>console</c>: the runner's standard output.</summary>
    Console,

    /// <summary><c>file</c>: <c>{appDirPath}/.dapr/logs/{appID}_{app|daprd}_{timestamp}.log</c>.</summary>
    File,

    /// <summary><c>fileAndConsole</c>: both.</summary>
    FileAndConsole,
}
