using System.Text;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// The app API token on the sidecar's calls to its app: with APP_API_TOKEN set, daprd's HTTP app channel sets
/// <c>dapr-api-token</c> on every request it builds (subscription discovery, deliveries, actor calls), and its health
/// probe sends none (dapr/dapr pkg/channel/http/http_channel.go constructRequest and HealthProbe;
/// pkg/security/consts/consts.go APITokenHeader, AppAPITokenEnvVar).
/// </summary>
public sealed class AppApiTokenTests : IAsyncLifetime
{
    private const string Subscribe = """[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""";

    private readonly DaprEmulator _emulator = new(new DaprEmulatorOptions { RetryBackoff = TimeSpan.FromMilliseconds(5) });
    private readonly Settled _settled;
    private TestApp _app = null!;

    public AppApiTokenTests() => _settled = new Settled(_emulator);

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.in-memory");
        _app = await TestApp.StartAsync(Subscribe);
    }

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task With_a_token_every_call_to_the_app_carries_dapr_api_token()
    {
        var sidecar = await _emulator.StartSidecarAsync("consumer", TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(_app.Url, "s3cret-app-token", TestContext.Current.CancellationToken);

        await PublishAsync(sidecar);
        await _settled.WaitForAsync(1);

        var calls = _app.Calls.ToArray();
        Assert.Contains(calls, c => c.Path == "GET /dapr/subscribe");
        Assert.Contains(calls, c => c.Path == "POST /orders");
        Assert.All(calls, c => Assert.Equal("s3cret-app-token", c.Headers["dapr-api-token"]));
    }

    [Fact]
    public async Task Without_a_token_no_call_carries_the_header()
    {
        var sidecar = await _emulator.StartSidecarAsync("consumer", TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(_app.Url, TestContext.Current.CancellationToken);

        await PublishAsync(sidecar);
        await _settled.WaitForAsync(1);

        Assert.Contains(_app.Calls, c => c.Path == "POST /orders");
        Assert.All(_app.Calls, c => Assert.False(c.Headers.ContainsKey("dapr-api-token")));
    }

    private static async Task PublishAsync(DaprSidecar sidecar)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/publish/pubsub/orders"),
            new StringContent("{\"n\":1}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
