using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// The start-up gap: a client app that is up before its sidecar has attached to it (read its subscriptions). daprd
/// answers <c>/v1.0/healthz</c> with 500 until then and 204 after (dapr/dapr pkg/api/http/http.go onGetHealthz;
/// pkg/runtime/runtime.go blockUntilAppIsReady before the subscriptions start), so a request sent in the gap would get
/// its answer on a reply topic nobody delivers yet. The client waits for the sidecar instead, and the call is answered.
/// </summary>
public sealed class StartupGapTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData(null)]
    public async Task A_request_sent_before_the_sidecar_has_subscribed_waits_for_it_and_is_answered(string? protocolVersion)
    {
        var sidecar = await _harness.Emulator.StartSidecarOnAsync("late-client", new SidecarPorts(WaitsForApp: true), TestDeadline.Current);
        await using var app = ClientApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString(),
                ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString(),
                ["Mcp:PubSub:AppId"] = "late-client",
            });
        });
        await app.StartAsync(TestDeadline.Current);
        try
        {
            var transport = app.Services.GetRequiredService<PubSubClientTransport>();
            var call = Task.Run(async () =>
            {
                await using var client = await transport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, TestDeadline.Current);
                var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "in the gap" }, cancellationToken: TestDeadline.Current);
                return Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
            });

            await Task.Delay(TimeSpan.FromSeconds(1), TestDeadline.Current);
            Assert.False(call.IsCompleted, "the call ended before the sidecar could deliver its answer");
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            await sidecar.AttachAppAsync(address, TestDeadline.Current);

            Assert.Equal("in the gap", await call);
        }
        finally
        {
            await app.StopAsync(TestDeadline.Current);
            await sidecar.DisposeAsync();
        }
    }
}
