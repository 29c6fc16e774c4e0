using AsyncMcp.Dapr.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AsyncMcp.Dapr.Apps;

/// <summary>
/// OpenTelemetry for the sample apps: traces of the transports, the MCP SDK and ASP.NET Core, and the transports'
/// metrics, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (and not at all otherwise).
/// </summary>
internal static class AppTelemetry
{
    /// <summary>The MCP SDK's activity source: its spans of each request handled or sent.</summary>
    public const string McpSdkActivitySource = "Experimental.ModelContextProtocol";

    public static void AddAppTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(McpDaprTelemetry.ActivitySourceName, McpSdkActivitySource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(McpDaprTelemetry.MeterName)
                .AddAspNetCoreInstrumentation())
            .UseOtlpExporter();
    }
}
