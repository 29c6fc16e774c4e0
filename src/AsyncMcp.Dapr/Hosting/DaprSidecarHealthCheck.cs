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
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await dapr.CheckOutboundHealthAsync(timeout.Token)
                ? HealthCheckResult.Healthy("The Dapr sidecar answers.")
                : HealthCheckResult.Degraded("The Dapr sidecar does not answer: no MCP message can be sent or received until it does.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"The Dapr sidecar did not answer within {Timeout.TotalSeconds:0} s: no MCP message can be sent or received until it does.");
        }
    }
}
