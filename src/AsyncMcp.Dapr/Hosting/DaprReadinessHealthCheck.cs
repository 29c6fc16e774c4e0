using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// Whether the app is ready for MCP traffic: its sidecar has attached to it (daprd's <c>/v1.0/healthz</c> answers 204
/// only once it has read the app's subscriptions and started delivering; dapr/dapr pkg/api/http/http.go onGetHealthz)
/// and the app is not draining on its way down. Not ready is <see cref="HealthStatus.Degraded"/>, so that the health
/// route daprd polls keeps answering 200 (daprd waits for that route before it subscribes, and must keep delivering
/// answers while the app drains); a readiness route maps Degraded to 503.
/// </summary>
internal sealed class DaprReadinessHealthCheck(DaprClient dapr, DrainState? drain = null) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (drain?.IsDraining == true)
        {
            return HealthCheckResult.Degraded("Draining: the app is shutting down; it finishes the requests in flight and takes no new ones.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await dapr.CheckHealthAsync(timeout.Token)
                ? HealthCheckResult.Healthy("Ready: the Dapr sidecar has attached to the app and delivers its subscriptions.")
                : HealthCheckResult.Degraded("Not ready: the Dapr sidecar has not attached to the app yet (it has not read its subscriptions), or is not reachable.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"Not ready: the Dapr sidecar did not answer within {Timeout.TotalSeconds:0} s.");
        }
    }
}
