using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AsyncMcp.Dapr.Diagnostics;

/// <summary>
/// The instruments of the library (meter <see cref="McpDaprTelemetry.MeterName"/>), created through the app's
/// <see cref="IMeterFactory"/> as ASP.NET Core's are: one set per service provider, disposed with it, and visible to a
/// <c>MetricCollector</c> in tests. Every feature records through this one singleton.
/// </summary>
internal sealed class McpDaprMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _redelivered;
    private readonly Counter<long> _webhookRetries;
    private readonly Counter<long> _webhookFailures;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<int> _publishCallSize;
    private readonly ConcurrentDictionary<object, Func<int>> _openSessions = new();

    public McpDaprMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory owns the meter (it disposes it with the service provider) and hands out the same one for the name.
        var meter = meterFactory.Create(McpDaprTelemetry.MeterName);
        _published = meter.CreateCounter<long>(
            "asyncmcp.messages.published", "{message}", "MCP messages sent, by destination (topic, or binding for webhook replies).");
        _delivered = meter.CreateCounter<long>(
            "asyncmcp.messages.delivered", "{message}", "MCP messages delivered by the sidecar, by topic, route and outcome (Success, Retry, Drop).");
        _dropped = meter.CreateCounter<long>(
            "asyncmcp.messages.dropped", "{message}", "Messages that were not processed, by reason (error.type) and topic.");
        _deadLettered = meter.CreateCounter<long>(
            "asyncmcp.messages.dead_lettered", "{message}", "Dead letters read from the dead-letter topic, by the topic they were first published to.");
        _redelivered = meter.CreateCounter<long>(
            "asyncmcp.messages.redelivered", "{message}", "Deliveries of an event already processed (broker redeliveries and duplicates), dropped by de-duplication.");
        _requestDuration = meter.CreateHistogram<double>(
            "asyncmcp.client.request.duration", "s", "Time from publishing a request to receiving its answer, by MCP method.");
        _publishCallSize = meter.CreateHistogram<int>(
            "asyncmcp.publish.call.messages", "{message}", "Messages per call to the sidecar's publish APIs (more than one when a bulk publish carried them), by topic.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
        _webhookRetries = meter.CreateCounter<long>(
            "asyncmcp.webhook.retries", "{attempt}", "Webhook delivery attempts that failed and were retried.");
        _webhookFailures = meter.CreateCounter<long>(
            "asyncmcp.webhook.failures", "{message}", "Webhook messages given up on; their sessions were ended.");
        meter.CreateObservableGauge(
            "asyncmcp.sessions.open", () => _openSessions.Values.Sum(source => source()), "{session}", "MCP sessions open in this process.");
    }

    /// <summary>Counts one message sent to <paramref name="destination"/> (a topic, or the binding of a webhook reply).</summary>
    public void Published(string destination) =>
        _published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", destination));

    /// <summary>Records one call to the sidecar's publish APIs that carried <paramref name="messages"/> messages to <paramref name="topic"/>.</summary>
    public void PublishCall(string topic, int messages) =>
        _publishCallSize.Record(messages, new KeyValuePair<string, object?>("messaging.destination.name", topic));

    /// <summary>Counts one delivered event with its outcome.</summary>
    /// <param name="topic">The topic it came from: its CloudEvent <c>topic</c> attribute (set by daprd), else the subscribed topic.</param>
    /// <param name="route">The subscription route it was delivered to.</param>
    /// <param name="outcome">What the sidecar was told.</param>
    public void Delivered(string topic, string route, Wire.DeliveryStatus outcome) =>
        _delivered.Add(1,
            new KeyValuePair<string, object?>("messaging.destination.name", topic),
            new KeyValuePair<string, object?>("url.path", route),
            new KeyValuePair<string, object?>("outcome", outcome switch
            {
                Wire.DeliveryStatus.Success => "Success",
                Wire.DeliveryStatus.Retry => "Retry",
                _ => "Drop",
            }));

    /// <summary>Counts one message that was not processed.</summary>
    /// <param name="reason">One of <see cref="DropReasons"/>.</param>
    /// <param name="topic">The topic it came from or was bound for, when there is one (not for webhooks).</param>
    public void Dropped(string reason, string? topic)
    {
        if (topic is null)
        {
            _dropped.Add(1, new KeyValuePair<string, object?>("error.type", reason));
            return;
        }

        _dropped.Add(1, new KeyValuePair<string, object?>("error.type", reason), new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }

    /// <summary>Counts one dead letter read from the dead-letter topic.</summary>
    /// <param name="originalTopic">The topic the event was published to before it was dead-lettered, when it can be read.</param>
    public void DeadLettered(string? originalTopic)
    {
        if (originalTopic is null)
        {
            _deadLettered.Add(1);
            return;
        }

        _deadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", originalTopic));
    }

    /// <summary>Counts one delivery of an event already processed.</summary>
    public void Redelivered() => _redelivered.Add(1);

    /// <summary>Records the time a request took from publish to answer.</summary>
    public void RequestAnswered(TimeSpan elapsed, string method) =>
        _requestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("mcp.method.name", method));

    /// <summary>Counts one failed webhook delivery attempt that will be retried.</summary>
    public void WebhookRetried(string binding) => _webhookRetries.Add(1, new KeyValuePair<string, object?>("binding", binding));

    /// <summary>Counts one webhook message given up on.</summary>
    public void WebhookFailed(string binding) => _webhookFailures.Add(1, new KeyValuePair<string, object?>("binding", binding));

    /// <summary>Counts the open sessions of a session host in <c>asyncmcp.sessions.open</c> until the result is disposed.</summary>
    public IDisposable ObserveOpenSessions(Func<int> openSessions)
    {
        var key = new object();
        _openSessions[key] = openSessions;
        return new Observation(_openSessions, key);
    }

    private sealed class Observation(ConcurrentDictionary<object, Func<int>> sources, object key) : IDisposable
    {
        public void Dispose() => sources.TryRemove(key, out _);
    }
}
