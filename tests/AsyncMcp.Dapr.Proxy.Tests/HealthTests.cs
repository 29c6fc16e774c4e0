using System.Text.Json;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>The proxy answers <c>GET /healthz</c> with 200 and a body that says whether its sidecar answers.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private ProxyHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await ProxyHarness.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task The_proxy_with_its_sidecar_is_healthy_and_says_so_when_the_sidecar_is_gone()
    {
        var ct = TestContext.Current.CancellationToken;
        var health = new Uri(_harness.Proxy.Address, "/healthz");
        using (var response = await _http.GetAsync(health, ct))
        {
            Assert.Equal(200, (int)response.StatusCode);
            var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
            Assert.Equal("Healthy", report.GetProperty("status").GetString());
            Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("dapr-sidecar").GetProperty("status").GetString());
        }

        await _harness.Proxy.Sidecar.StopAsync();

        using (var response = await _http.GetAsync(health, ct))
        {
            Assert.Equal(200, (int)response.StatusCode);
            var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
            Assert.Equal("Degraded", report.GetProperty("status").GetString());
        }
    }
}
