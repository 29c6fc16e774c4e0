using AsyncMcp.Dapr.Hosting;

namespace AsyncMcp.Dapr.Apps;

/// <summary>
/// How the sample apps stop on SIGTERM or Ctrl+C: the library drains (<see cref="McpShutdownOptions"/>, set with
/// <c>--Mcp:Shutdown:DrainPeriod 00:00:10</c>), and the host is given the drain period and 3 s more to stop, after
/// which anything still open is cut off, so that an app never hangs on its way down.
/// </summary>
internal static class AppShutdown
{
    /// <summary>What the host gets on top of the drain period to close its sessions and its port.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    /// <summary>The drain period the app's configuration sets.</summary>
    public static TimeSpan DrainPeriod(IConfiguration configuration) =>
        configuration.GetSection(McpShutdownOptions.Section).Get<McpShutdownOptions>()?.DrainPeriod ?? new McpShutdownOptions().DrainPeriod;

    public static void AddAppShutdown(this WebApplicationBuilder builder) =>
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = DrainPeriod(builder.Configuration) + Margin);
}
