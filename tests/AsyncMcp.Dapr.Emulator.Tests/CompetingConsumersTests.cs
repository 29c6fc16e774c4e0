using System.Text;
using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// Sidecars of one app-id form one consumer group (as an SQS queue per consumerID = app-id, components-contrib
/// pubsub/aws/snssqs): each message goes to one live member; each app-id gets its own copy.
/// </summary>
public sealed class CompetingConsumersTests : IAsyncLifetime
{
    private const string Subscribe = """[{"pubsubName":"pubsub","topic":"jobs","route":"/jobs"}]""";
    private readonly DaprEmulator _emulator = new(new DaprEmulatorOptions { RetryBackoff = TimeSpan.FromMilliseconds(5) });
    private readonly Settled _settled;
    private readonly List<IAsyncDisposable> _apps = [];

    public CompetingConsumersTests() => _settled = new Settled(_emulator);

    public ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.in-memory");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private async Task<(TestApp App, DaprSidecar Sidecar)> StartAsync(string appId)
    {
        var app = await TestApp.StartAsync(Subscribe);
        _apps.Add(app);
        var sidecar = await _emulator.StartSidecarAsync(appId, TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(app.Url, TestContext.Current.CancellationToken);
        return (app, sidecar);
    }

    private static async Task PublishAsync(DaprSidecar sidecar, int n)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/publish/pubsub/jobs"),
            new StringContent($"{{\"n\":{n}}}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Replicas_of_one_app_id_share_the_messages_each_exactly_once()
    {
        var (a, sa) = await StartAsync("worker");
        var (b, _) = await StartAsync("worker");
        for (var i = 0; i < 20; i++)
        {
            await PublishAsync(sa, i);
        }

        await _settled.WaitForAsync(20);
        Assert.Equal(20, a.Received.Count + b.Received.Count);
        Assert.NotEmpty(a.Received); // round robin over live members
        Assert.NotEmpty(b.Received);
        var ns = a.Received.Concat(b.Received).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(Enumerable.Range(0, 20), ns.Order());
    }

    [Fact]
    public async Task Each_app_id_gets_its_own_copy()
    {
        var (a, sa) = await StartAsync("billing");
        var (b, _) = await StartAsync("shipping");
        await PublishAsync(sa, 1);
        var outcomes = await _settled.WaitForAsync(2);
        Assert.Single(a.Received);
        Assert.Single(b.Received);
        Assert.Equal(["billing", "shipping"], outcomes.Select(o => o.AppId).Order());
    }

    [Fact]
    public async Task Deliveries_to_one_sidecar_run_concurrently()
    {
        var (a, sa) = await StartAsync("worker");
        var inFlight = 0;
        var peak = 0;
        var release = new TaskCompletionSource();
        a.Handler = async (_, r) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            if (now >= 5)
            {
                release.TrySetResult();
            }

            await release.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Interlocked.Decrement(ref inFlight);
            r.StatusCode = 200;
        };
        for (var i = 0; i < 5; i++)
        {
            await PublishAsync(sa, i);
        }

        await _settled.WaitForAsync(5);
        Assert.Equal(5, peak);
    }

    [Fact]
    public async Task Concurrency_per_sidecar_is_bounded_by_the_option()
    {
        await using var emulator = new DaprEmulator(new DaprEmulatorOptions { MaxConcurrentDeliveriesPerSidecar = 2 });
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        var settled = new Settled(emulator);
        await using var app = await TestApp.StartAsync(Subscribe);
        await using var sidecar = await emulator.StartSidecarAsync("worker", TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(app.Url, TestContext.Current.CancellationToken);
        var inFlight = 0;
        var peak = 0;
        app.Handler = async (_, r) =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref inFlight));
            await Task.Delay(30);
            Interlocked.Decrement(ref inFlight);
            r.StatusCode = 200;
        };
        for (var i = 0; i < 6; i++)
        {
            await PublishAsync(sidecar, i);
        }

        await settled.WaitForAsync(6);
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task A_delivery_in_flight_when_its_sidecar_stops_is_redelivered_to_another_replica_with_the_same_id()
    {
        var (a, sa) = await StartAsync("worker");
        var entered = new TaskCompletionSource();
        a.Handler = async (_, r) =>
        {
            entered.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), r.HttpContext.RequestAborted); // never answers: it "crashes"
        };
        await PublishAsync(sa, 42);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        var (b, _) = await StartAsync("worker");
        await sa.StopAsync();

        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Success, outcome.Status);
        var first = JsonDocument.Parse(Assert.Single(a.Received).Body).RootElement.GetProperty("id").GetString();
        var second = JsonDocument.Parse(Assert.Single(b.Received).Body).RootElement.GetProperty("id").GetString();
        Assert.Equal(first, second);
        Assert.Equal(first, outcome.CloudEventId);
    }

    [Fact]
    public async Task Messages_wait_in_the_group_queue_while_no_replica_is_live()
    {
        var (_, sa) = await StartAsync("worker");
        await using var publisher = await _emulator.StartSidecarAsync("publisher", TestContext.Current.CancellationToken);
        await sa.StopAsync();
        await PublishAsync(publisher, 1);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Empty(_settled.All);

        var (b, _) = await StartAsync("worker");
        await _settled.WaitForAsync(1);
        Assert.Single(b.Received);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
