using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>The emulator writes a line per delivery outcome, and says which components it emulates.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task Each_delivery_outcome_and_each_emulated_component_gets_a_log_line()
    {
        var lines = new ConcurrentQueue<string>();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(lines)).SetMinimumLevel(LogLevel.Information));
        await using var emulator = new DaprEmulator(new DaprEmulatorOptions { LoggerFactory = factory, MaxDeliveryAttempts = 2, RetryBackoff = TimeSpan.FromMilliseconds(1) });
        emulator.AddComponent("pubsub", "pubsub.redis");
        var settled = new Settled(emulator);
        await using var app = await TestApp.StartAsync("""[{"pubsubname":"pubsub","topic":"t","route":"/t"}]""");
        app.Handler = (r, resp) => TestApp.Json(resp, r.Body.Contains("\"fail\"", StringComparison.Ordinal) ? "{\"status\":\"RETRY\"}" : "{}");
        await using var sidecar = await emulator.StartSidecarAsync("app", TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(app.Url, TestContext.Current.CancellationToken);

        await emulator.InjectAsync("pubsub", "t", Encoding.UTF8.GetBytes("{\"id\":\"ok-1\"}"), ct: TestContext.Current.CancellationToken);
        await emulator.InjectAsync("pubsub", "t", Encoding.UTF8.GetBytes("{\"id\":\"bad-1\",\"data\":\"fail\"}"), ct: TestContext.Current.CancellationToken);
        await settled.WaitForAsync(2);

        Assert.Contains(lines, l => l.Contains("'pubsub' of type pubsub.redis is emulated", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ok-1", StringComparison.Ordinal) && l.Contains("SUCCESS", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("bad-1", StringComparison.Ordinal) && l.Contains("to be retried", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("bad-1", StringComparison.Ordinal) && l.Contains("discarded after 2 attempt(s)", StringComparison.Ordinal));
    }
}
