using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// The background work of the session hosts, run as a hosted service: reports the open sessions of the app's
/// <see cref="IMcpSessionHost"/> (<c>asyncmcp.sessions.open</c>), and ends idle in-memory sessions and lanes.
/// </summary>
internal sealed class SessionHostService(
    IMcpSessionHost host,
    InMemorySessionHost inMemory,
    IOptions<DaprPubSubServerOptions> options,
    TimeProvider time,
    McpDaprMetrics metrics,
    ILogger<SessionHostService> logger) : BackgroundService
{
    /// <summary>How often idle sessions are looked for: a quarter of the idle timeout, between 50 ms and 30 s.</summary>
    internal static TimeSpan SweepPeriod(TimeSpan idleTimeout) =>
        TimeSpan.FromTicks(Math.Clamp(idleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(30).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var gauge = metrics.ObserveOpenSessions(() => host.OpenSessions);
        using var timer = new PeriodicTimer(SweepPeriod(options.Value.SessionIdleTimeout), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await inMemory.SweepAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed sweep must not stop the next ones (nor the app).
                    SessionLog.SweepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
    }
}
