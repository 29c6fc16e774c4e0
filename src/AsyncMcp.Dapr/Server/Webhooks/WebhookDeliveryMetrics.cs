using System.Diagnostics.Metrics;

namespace AsyncMcp.Dapr.Server.Webhooks;

/// <summary>
/// Counters of webhook deliveries (meter <c>AsyncMcp.Dapr</c>): <c>asyncmcp.webhook.retries</c> and
/// <c>asyncmcp.webhook.failures</c> (messages given up on), tagged with the binding.
/// </summary>
internal sealed class WebhookDeliveryMetrics : IDisposable
{
    /// <summary>The meter name to listen to (OpenTelemetry: <c>AddMeter("AsyncMcp.Dapr")</c>).</summary>
    public const string MeterName = "AsyncMcp.Dapr";

    private readonly Meter _meter;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failures;

    public WebhookDeliveryMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _retries = _meter.CreateCounter<long>("asyncmcp.webhook.retries", "{attempt}", "Webhook delivery attempts that failed and were retried.");
        _failures = _meter.CreateCounter<long>("asyncmcp.webhook.failures", "{message}", "Webhook messages given up on; their sessions were ended.");
    }

    public void Retried(string binding) => _retries.Add(1, new KeyValuePair<string, object?>("binding", binding));

    public void Failed(string binding) => _failures.Add(1, new KeyValuePair<string, object?>("binding", binding));

    public void Dispose() => _meter.Dispose();
}
