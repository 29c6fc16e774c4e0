using AsyncMcp.Dapr.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks of an app that talks MCP over Dapr.</summary>
public static class DaprHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check added by <see cref="AddDaprSidecarCheck"/>.</summary>
    public const string DaprSidecarCheckName = "dapr-sidecar";

    /// <summary>The default name of the check added by <see cref="AddDaprReadinessCheck"/>.</summary>
    public const string DaprReadinessCheckName = "dapr-readiness";

    /// <summary>The tag of the readiness check, for a readiness route (<c>Predicate = r =&gt; r.Tags.Contains(ReadyTag)</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the app's readiness, tagged <see cref="ReadyTag"/>: ready once its Dapr sidecar has attached to it (read its
    /// subscriptions and started delivering), not ready before that and while the app drains on shutdown. Not ready is
    /// <see cref="HealthStatus.Degraded"/>: the route daprd polls keeps answering 200 (daprd waits for it before it
    /// subscribes, and keeps delivering answers while the app drains); map a readiness route whose
    /// <c>ResultStatusCodes</c> turn Degraded into 503 for load balancers and orchestrators.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name in health reports.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddDaprReadinessCheck(this IHealthChecksBuilder builder, string name = DaprReadinessCheckName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDaprClient();
        return builder.AddCheck<DaprReadinessHealthCheck>(name, tags: [ReadyTag]);
    }

    /// <summary>
    /// Adds a check of the app's Dapr sidecar (its outbound health endpoint, <c>/v1.0/healthz/outbound</c>). A sidecar
    /// that does not answer within 2 s makes the app <see cref="HealthStatus.Degraded"/>, never unhealthy: daprd polls
    /// the app's own health endpoint, and an app that failed whenever its sidecar was slow would be taken out of delivery
    /// by that very sidecar.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name in health reports.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddDaprSidecarCheck(this IHealthChecksBuilder builder, string name = DaprSidecarCheckName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDaprClient();
        return builder.AddCheck<DaprSidecarHealthCheck>(name);
    }
}
