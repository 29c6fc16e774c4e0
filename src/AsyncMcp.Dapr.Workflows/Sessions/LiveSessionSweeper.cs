using AsyncMcp.Dapr.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// Stops the live servers of this replica that had no work for a whole idle timeout: their sessions ended elsewhere or
/// their workflows were placed on another replica, which rebuilds them. Expiry itself is the workflow's durable timer.
/// </summary>
internal sealed class LiveSessionSweeper(LiveSessions live, IOptions<DaprPubSubServerOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = options.Value.SessionIdleTimeout;
        using var timer = new PeriodicTimer(Server.Sessions.SessionHostService.SweepPeriod(idle), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await live.SweepAsync(time.GetUtcNow(), idle);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
    }
}
