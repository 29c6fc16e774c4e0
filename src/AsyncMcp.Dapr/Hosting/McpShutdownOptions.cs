namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// How an app that talks MCP over Dapr stops (configuration section <see cref="Section"/>): on SIGTERM or Ctrl+C it
/// takes no new requests, lets the requests in flight finish for up to <see cref="DrainPeriod"/> while its sidecar keeps
/// delivering their answers, then answers what is left with <see cref="Wire.McpWireErrorCodes.ShuttingDown"/>.
/// </summary>
public sealed class McpShutdownOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string Section = "Mcp:Shutdown";

    /// <summary>
    /// How long requests in flight may take to finish once the app is asked to stop. Default 4 s: inside the 5 s that
    /// <c>dapr run</c> gives an app between SIGTERM and SIGKILL, and below daprd's default graceful shutdown of 5 s.
    /// </summary>
    public TimeSpan DrainPeriod { get; set; } = TimeSpan.FromSeconds(4);
}
