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
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        drain?.IsDraining == true
            ? Task.FromResult(HealthCheckResult.Degraded("Draining: the app is shutting down; it finishes the requests in flight and takes no new ones."))
            : SidecarProbe.RunAsync(
                dapr.CheckHealthAsync,
                "Ready: the Dapr sidecar has attached to the app and delivers its subscriptions.",
                "Not ready: the Dapr sidecar has not attached to the app yet (it has not read its subscriptions), or is not reachable.",
                cancellationToken);
}
