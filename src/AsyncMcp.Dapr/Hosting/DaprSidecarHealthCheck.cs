using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// Whether the app's Dapr sidecar answers its outbound health endpoint (<c>/v1.0/healthz/outbound</c>: its APIs and
/// components are up). A sidecar that does not answer makes the app <see cref="HealthStatus.Degraded"/>, not
/// unhealthy: daprd itself polls <c>/healthz</c> (<c>appHealthCheckPath</c>), and an app that failed whenever its
/// sidecar was slow would be taken out of delivery by that very sidecar. Degraded still answers 200, with the reason in the body.
/// </summary>
internal sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        SidecarProbe.RunAsync(
            dapr.CheckOutboundHealthAsync,
            "The Dapr sidecar answers.",
            "The Dapr sidecar does not answer: no MCP message can be sent or received until it does.",
            cancellationToken);
}
