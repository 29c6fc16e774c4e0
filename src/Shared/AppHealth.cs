using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AsyncMcp.Dapr.Apps;

/// <summary>
/// Health of the sample apps at <c>GET /healthz</c>: 200 while the app runs, with a JSON body that says whether its
/// Dapr sidecar answers (<c>AddDaprSidecarCheck</c> of the library) and whether the app is ready (<c>dapr-readiness</c>:
/// its sidecar has attached and it is not draining). <c>GET /healthz/ready</c> answers 200 only when ready, 503 otherwise.
/// </summary>
internal static class AppHealth
{
    /// <summary>The path daprd's app health check polls (<c>appHealthCheckPath</c> in the run files).</summary>
    public const string Path = "/healthz";

    /// <summary>The readiness path: 503 until the sidecar has attached, and again while the app drains.</summary>
    public const string ReadyPath = "/healthz/ready";

    public static void AddAppHealthChecks(this WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddDaprSidecarCheck().AddDaprReadinessCheck();

    public static void MapAppHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(DaprHealthChecksBuilderExtensions.ReadyTag),
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 503, [HealthStatus.Unhealthy] = 503 },
            ResponseWriter = WriteAsync,
        });
    }

    // {"status":"Healthy","checks":{"dapr-sidecar":{"status":"Healthy","description":"..."}}}
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
