using AsyncMcp.Dapr.Proxy.Configuration;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>Closes idle front sessions, so that abandoned ones do not pile up.</summary>
internal sealed class FrontSessionSweeper(FrontSessionRegistry sessions, IOptions<ProxyOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.Value.SessionIdleTimeout / 4;
        period = period < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : period > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : period;
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                sessions.CloseIdle(time.GetUtcNow());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
