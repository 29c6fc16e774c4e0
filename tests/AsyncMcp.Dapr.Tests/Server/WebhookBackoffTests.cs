using System.Diagnostics.Metrics;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Webhooks;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AsyncMcp.Dapr.Tests.Server;

public sealed class WebhookBackoffTests : IDisposable
{
    private static readonly ReplyAddress Address = ReplyAddress.ForBinding("client-replies", "mcp/webhooks/replies");
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact(Timeout = 60_000)]
    public async Task Each_retry_waits_twice_as_long_as_the_last_and_not_a_tick_less()
    {
        var route = new FailingRoute(_time, failures: 2);
        var failed = new List<Exception>();
        await using (var channel = Channel(route, failed, new DaprWebhookReplyOptions { FirstRetryDelay = TimeSpan.FromMilliseconds(250) }))
        {
            var start = _time.GetUtcNow();
            await channel.SendAsync("event-1", new byte[] { 1 }, TestContext.Current.CancellationToken);
            await route.WaitForAttemptsAsync(1);

            await AdvanceAndExpectAsync(route, TimeSpan.FromMilliseconds(250), attempts: 2);
            await AdvanceAndExpectAsync(route, TimeSpan.FromMilliseconds(500), attempts: 3);

            Assert.Equal([start, start.AddMilliseconds(250), start.AddMilliseconds(750)], route.Attempts);
        }

        Assert.Empty(failed);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_message_still_failing_when_the_next_wait_would_pass_the_delivery_timeout_ends_the_channel()
    {
        var route = new FailingRoute(_time, failures: int.MaxValue);
        var failed = new List<Exception>();
        await using var channel = Channel(route, failed, new DaprWebhookReplyOptions
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(250),
            DeliveryTimeout = TimeSpan.FromSeconds(1),
        });

        await channel.SendAsync("event-1", new byte[] { 1 }, TestContext.Current.CancellationToken);
        await route.WaitForAttemptsAsync(1);
        await AdvanceAndExpectAsync(route, TimeSpan.FromMilliseconds(250), attempts: 2);
        await AdvanceAndExpectAsync(route, TimeSpan.FromMilliseconds(500), attempts: 3);
        await Wait.UntilAsync(() => failed.Count == 1, "the channel to give up");

        var error = Assert.IsType<ReplyDeliveryException>(Assert.Single(failed));
        Assert.Equal("event-1", error.MessageId);
        Assert.Contains("after 3 attempt(s)", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => channel.SendAsync("event-2", new byte[] { 2 }, TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        _services.Dispose();
    }

    private QueuedReplyChannel Channel(FailingRoute route, List<Exception> failed, DaprWebhookReplyOptions options) =>
        new(route, Address, "session-1", options, new McpDaprMetrics(_services.GetRequiredService<IMeterFactory>()), _time,
            NullLogger.Instance, error => { lock (failed) { failed.Add(error); } });

    // Moves the clock to one tick before the retry is due (nothing may happen), then onto it (the attempt must come).
    // The channel arms its retry timer just after the failed attempt returns: give it time to, or the clock would move
    // before the timer exists and the retry would never come due.
    private async Task AdvanceAndExpectAsync(FailingRoute route, TimeSpan delay, int attempts)
    {
        await Task.Delay(200);
        _time.Advance(delay - TimeSpan.FromTicks(1));
        await Task.Delay(100);
        Assert.Equal(attempts - 1, route.Attempts.Count);
        _time.Advance(TimeSpan.FromTicks(1));
        await route.WaitForAttemptsAsync(attempts);
    }

    private sealed class FailingRoute(TimeProvider time, int failures) : IReplyRoute
    {
        private readonly List<DateTimeOffset> _attempts = [];

        public string Scheme => ReplyAddress.BindingScheme;

        public IReadOnlyList<DateTimeOffset> Attempts
        {
            get
            {
                lock (_attempts)
                {
                    return [.. _attempts];
                }
            }
        }

        public Task<string?> RefusalAsync(ReplyAddress address, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public IReplyChannel Open(ReplyAddress address, string? sessionId, Action<Exception> onFailed) => throw new NotSupportedException();

        public Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
        {
            int count;
            lock (_attempts)
            {
                _attempts.Add(time.GetUtcNow());
                count = _attempts.Count;
            }

            return count <= failures ? Task.FromException(new HttpRequestException("receiver down")) : Task.CompletedTask;
        }

        public Task WaitForAttemptsAsync(int count) => Wait.UntilAsync(() => Attempts.Count >= count, $"{count} attempt(s)");
    }
}
