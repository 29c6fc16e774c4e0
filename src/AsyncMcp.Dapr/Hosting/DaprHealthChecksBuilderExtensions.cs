using AsyncMcp.Dapr.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks of an app that talks MCP over Dapr.</summary>
public static class DaprHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check added by <see cref="AddDaprSidecarCheck"/>.</summary>
    public const string DaprSidecarCheckName = "dapr-sidecar";

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
