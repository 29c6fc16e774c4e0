using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AsyncMcp.Dapr.Apps;

/// <summary>
/// Health of the sample apps at <c>GET /healthz</c>: 200 while the app runs, with a JSON body that says whether its
/// Dapr sidecar answers (<c>AddDaprSidecarCheck</c> of the library).
/// </summary>
internal static class AppHealth
{
    /// <summary>The path daprd's app health check polls (<c>appHealthCheckPath</c> in the run files).</summary>
    public const string Path = "/healthz";

    public static void AddAppHealthChecks(this WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddDaprSidecarCheck();

    public static void MapAppHealthChecks(this WebApplication app) =>
        app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync });

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
