using System.Text.Json;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// The server and the client app answer <c>GET /healthz</c> (what daprd's app health check polls) with 200 and a body
/// that says whether their sidecar answers: Healthy while it does, Degraded (still 200) once it is gone.
/// </summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private DaprMcpHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _harness.DisposeAsync();
    }

    [Theory]
    [InlineData("server")]
    [InlineData("client")]
    public async Task An_app_with_its_sidecar_is_healthy(string appId)
    {
        var (status, report) = await HealthAsync(App(appId));

        Assert.Equal(200, status);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("dapr-sidecar").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("server")]
    [InlineData("client")]
    public async Task An_app_whose_sidecar_is_gone_says_so_and_stays_up(string appId)
    {
        var app = App(appId);
        await app.Sidecar.StopAsync();

        var (status, report) = await HealthAsync(app);

        Assert.Equal(200, status);
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        var sidecar = report.GetProperty("checks").GetProperty("dapr-sidecar");
        Assert.Equal("Degraded", sidecar.GetProperty("status").GetString());
        Assert.Contains("sidecar", sidecar.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private EmulatedApp App(string appId) => appId == "server" ? _harness.Server : _harness.Client;

    private async Task<(int Status, JsonElement Report)> HealthAsync(EmulatedApp app)
    {
        using var response = await _http.GetAsync(new Uri(app.Address, "/healthz"), TestDeadline.Current);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestDeadline.Current)).RootElement.Clone();
        return ((int)response.StatusCode, report);
    }
}
