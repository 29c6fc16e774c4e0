using System.Text.Json;
using Dapr;
using Dapr.Client;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>The real Dapr .NET SDK 1.19 DaprClient works against an emulated sidecar unchanged.</summary>
public sealed class DaprClientCompatibilityTests : IAsyncLifetime
{
    private readonly DaprEmulator _emulator = new();
    private DaprSidecar _sidecar = null!;
    private DaprClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.in-memory");
        _emulator.AddComponent("statestore", "state.in-memory");
        _sidecar = await _emulator.StartSidecarAsync("checkout");
        _client = new DaprClientBuilder().UseGrpcEndpoint(_sidecar.GrpcEndpoint.ToString()).UseHttpEndpoint(_sidecar.HttpEndpoint.ToString()).Build();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Health_checks_answer_as_daprd_healthz()
    {
        Assert.True(await _client.CheckHealthAsync(TestContext.Current.CancellationToken));
        Assert.True(await _client.CheckOutboundHealthAsync(TestContext.Current.CancellationToken));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await _client.WaitForSidecarAsync(timeout.Token);
    }

    /// <summary>dapr/dapr pkg/http/api.go (onGetHealthz: 500 ERR_HEALTH_NOT_READY until MarkStatusAsReady) and
    /// pkg/runtime/runtime.go (ready only after blockUntilAppIsReady has found the app).</summary>
    [Fact]
    public async Task A_sidecar_waiting_for_its_app_is_not_ready_until_the_app_is_attached()
    {
        var ct = TestContext.Current.CancellationToken;
        var sidecar = await _emulator.StartSidecarOnAsync("waiting", new SidecarPorts(WaitsForApp: true), ct);
        using var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString()).UseHttpEndpoint(sidecar.HttpEndpoint.ToString()).Build();
        using var http = new HttpClient();

        var notReady = await http.GetAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/healthz"), ct);
        Assert.Equal(500, (int)notReady.StatusCode);
        Assert.Contains("ERR_HEALTH_NOT_READY", await notReady.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.False(await client.CheckHealthAsync(ct));
        Assert.True(await client.CheckOutboundHealthAsync(ct));

        await using var app = await TestApp.StartAsync("[]");
        await sidecar.AttachAppAsync(app.Url, ct);
        Assert.True(await client.CheckHealthAsync(ct));
    }

    [Fact]
    public async Task PublishEventAsync_over_grpc_puts_a_CloudEvent_on_the_topic()
    {
        await _client.PublishEventAsync("pubsub", "orders", new { orderId = 7 }, TestContext.Current.CancellationToken);

        var message = Assert.Single(_emulator.Published("pubsub", "orders"));
        using var cloudEvent = JsonDocument.Parse(message.Body);
        Assert.Equal("checkout", cloudEvent.RootElement.GetProperty("source").GetString());
        Assert.Equal(7, cloudEvent.RootElement.GetProperty("data").GetProperty("orderId").GetInt32());
        Assert.Equal("application/cloudevents+json", message.ContentType);
    }

    [Fact]
    public async Task PublishEventAsync_to_an_unknown_pubsub_fails_as_daprd_does()
    {
        var error = await Assert.ThrowsAnyAsync<DaprException>(() => _client.PublishEventAsync("nope", "orders", new { a = 1 }, TestContext.Current.CancellationToken));
        var rpc = Assert.IsType<Grpc.Core.RpcException>(error.InnerException);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, rpc.StatusCode); // dapr/dapr pkg/api/errors/pubsub.go PubSubNotFound
        Assert.Contains("pubsub nope is not found", rpc.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_round_trips_with_etags_and_TrySaveState_refuses_a_stale_etag()
    {
        var ct = TestContext.Current.CancellationToken;
        await _client.SaveStateAsync("statestore", "k", new Widget("a", 1), cancellationToken: ct);
        var (value, etag) = await _client.GetStateAndETagAsync<Widget>("statestore", "k", cancellationToken: ct);
        Assert.Equal(new Widget("a", 1), value);
        Assert.Equal("1", etag);

        Assert.True(await _client.TrySaveStateAsync("statestore", "k", new Widget("b", 2), etag, cancellationToken: ct));
        Assert.False(await _client.TrySaveStateAsync("statestore", "k", new Widget("c", 3), etag, cancellationToken: ct)); // stale: Aborted
        var (latest, latestEtag) = await _client.GetStateAndETagAsync<Widget>("statestore", "k", cancellationToken: ct);
        Assert.Equal(new Widget("b", 2), latest);
        Assert.Equal("2", latestEtag);

        Assert.False(await _client.TryDeleteStateAsync("statestore", "k", "1", cancellationToken: ct));
        Assert.True(await _client.TryDeleteStateAsync("statestore", "k", "2", cancellationToken: ct));
        Assert.Null(await _client.GetStateAsync<Widget>("statestore", "k", cancellationToken: ct));
    }

    [Fact]
    public async Task ExecuteStateTransactionAsync_applies_all_or_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await _client.SaveStateAsync("statestore", "x", 1, cancellationToken: ct);
        await _client.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest("x", JsonSerializer.SerializeToUtf8Bytes(2), StateOperationType.Upsert, "1"),
            new StateTransactionRequest("y", JsonSerializer.SerializeToUtf8Bytes(3), StateOperationType.Upsert),
        ], cancellationToken: ct);
        Assert.Equal(2, await _client.GetStateAsync<int>("statestore", "x", cancellationToken: ct));

        await Assert.ThrowsAnyAsync<DaprException>(() => _client.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest("y", null, StateOperationType.Delete),
            new StateTransactionRequest("x", JsonSerializer.SerializeToUtf8Bytes(9), StateOperationType.Upsert, "1"), // stale
        ], cancellationToken: ct));
        Assert.Equal(3, await _client.GetStateAsync<int>("statestore", "y", cancellationToken: ct)); // the delete was not applied
        Assert.Equal(2, await _client.GetStateAsync<int>("statestore", "x", cancellationToken: ct));
    }

    [Fact]
    public async Task GetBulkStateAsync_returns_every_key_with_its_etag()
    {
        var ct = TestContext.Current.CancellationToken;
        await _client.SaveStateAsync("statestore", "a", "A", cancellationToken: ct);
        var items = await _client.GetBulkStateAsync("statestore", ["a", "missing"], parallelism: 1, cancellationToken: ct);
        Assert.Equal("\"A\"", items.Single(i => i.Key == "a").Value);
        Assert.Equal("1", items.Single(i => i.Key == "a").ETag);
        Assert.True(string.IsNullOrEmpty(items.Single(i => i.Key == "missing").Value));
    }

    [Fact]
    public async Task GetMetadataAsync_reports_the_app_id_and_components()
    {
        var metadata = await _client.GetMetadataAsync(TestContext.Current.CancellationToken);
        Assert.Equal("checkout", metadata.Id);
        Assert.Contains(metadata.Components, c => c.Name == "pubsub" && c.Type == "pubsub.in-memory");
    }

    public sealed record Widget(string Name, int Size);
}
