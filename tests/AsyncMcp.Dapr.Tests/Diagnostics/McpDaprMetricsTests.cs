using System.Diagnostics.Metrics;
using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Tests.Diagnostics;

/// <summary>
/// The library's instruments come from the app's <see cref="IMeterFactory"/>: a collector scoped to one service
/// provider's factory sees that provider's measurements and no other's.
/// </summary>
public sealed class McpDaprMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = Provider();
    private readonly ServiceProvider _otherApp = Provider();

    public void Dispose()
    {
        _services.Dispose();
        _otherApp.Dispose();
    }

    [Fact]
    public void Measurements_are_seen_through_the_apps_own_meter_factory_only()
    {
        using var mine = Collector<long>(_services, "asyncmcp.messages.dropped");
        using var theirs = Collector<long>(_otherApp, "asyncmcp.messages.dropped");

        _services.GetRequiredService<McpDaprMetrics>().Dropped(DropReasons.TooLarge, "mcp-requests");

        var measurement = Assert.Single(mine.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(DropReasons.TooLarge, measurement.Tags["error.type"]);
        Assert.Equal("mcp-requests", measurement.Tags["messaging.destination.name"]);
        Assert.Empty(theirs.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task A_reply_for_an_unknown_connection_is_counted_as_dropped_by_the_router()
    {
        using var dropped = Collector<long>(_services, "asyncmcp.messages.dropped");
        var router = ActivatorUtilities.CreateInstance<ReplyRouter>(_services, NullLogger<ReplyRouter>.Instance);

        var status = await router.RouteAsync(new McpEnvelope
        {
            Id = "event-1",
            Source = "server",
            Connection = "no-such-connection",
            Topic = "mcp-replies-client",
            Message = new JsonRpcNotification { Method = "notifications/progress" },
        }, TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Drop, status);
        var measurement = Assert.Single(dropped.GetMeasurementSnapshot());
        Assert.Equal(DropReasons.UnknownConnection, measurement.Tags["error.type"]);
        Assert.Equal("mcp-replies-client", measurement.Tags["messaging.destination.name"]);
    }

    [Theory]
    [InlineData("Success")]
    [InlineData("Retry")]
    [InlineData("Drop")]
    public void A_delivery_is_counted_with_its_outcome(string outcome)
    {
        using var delivered = Collector<long>(_services, "asyncmcp.messages.delivered");

        _services.GetRequiredService<McpDaprMetrics>().Delivered("mcp-requests", "/mcp/pubsub", Enum.Parse<DeliveryStatus>(outcome));

        var measurement = Assert.Single(delivered.GetMeasurementSnapshot());
        Assert.Equal(outcome, measurement.Tags["outcome"]);
        Assert.Equal("/mcp/pubsub", measurement.Tags["url.path"]);
    }

    [Fact]
    public void The_open_sessions_gauge_sums_the_hosts_observed_until_each_observation_ends()
    {
        using var open = Collector<int>(_services, "asyncmcp.sessions.open");
        var metrics = _services.GetRequiredService<McpDaprMetrics>();
        var first = metrics.ObserveOpenSessions(() => 3);
        using var second = metrics.ObserveOpenSessions(() => 4);

        open.RecordObservableInstruments();
        Assert.Equal(7, open.LastMeasurement!.Value);

        first.Dispose();
        open.RecordObservableInstruments();
        Assert.Equal(4, open.LastMeasurement!.Value);
    }

    [Fact]
    public void Request_durations_are_recorded_in_seconds_by_method()
    {
        using var duration = Collector<double>(_services, "asyncmcp.client.request.duration");

        _services.GetRequiredService<McpDaprMetrics>().RequestAnswered(TimeSpan.FromMilliseconds(1500), "tools/call");

        var measurement = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(1.5, measurement.Value);
        Assert.Equal("tools/call", measurement.Tags["mcp.method.name"]);
    }

    private static ServiceProvider Provider() =>
        new ServiceCollection().AddMetrics().AddSingleton<McpDaprMetrics>().AddLogging()
            .AddSingleton<DrainState>().AddSingleton(new DaprClientBuilder().Build()).BuildServiceProvider();

    private static MetricCollector<T> Collector<T>(ServiceProvider services, string instrument)
        where T : struct =>
        new(services.GetRequiredService<IMeterFactory>(), McpDaprTelemetry.MeterName, instrument);
}
