using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// One call to a health endpoint of the app's sidecar, bounded in time: a sidecar that hangs makes the app
/// <see cref="HealthStatus.Degraded"/> instead of hanging the health route that daprd itself polls.
/// </summary>
internal static class SidecarProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>Healthy when <paramref name="probe"/> answers true; degraded with <paramref name="failed"/> when it answers false, or when it does not answer in time.</summary>
    public static async Task<HealthCheckResult> RunAsync(Func<CancellationToken, Task<bool>> probe, string healthy, string failed, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await probe(timeout.Token).ConfigureAwait(false) ? HealthCheckResult.Healthy(healthy) : HealthCheckResult.Degraded(failed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"The Dapr sidecar did not answer within {Timeout.TotalSeconds:0} s. {failed}");
        }
    }
}
