using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// One client app addressing two server apps (each its own app-id and request topic) through keyed clients configured
/// from <c>Mcp:Servers</c>, over the emulated sidecars: each request goes to its own server's topic, and the replies of
/// both come back through the one reply route the app maps.
/// </summary>
public sealed class SeveralServersTests : IAsyncLifetime
{
    private const string TopicA = "orders-requests";
    private const string TopicB = "billing-requests";

    private DaprMcpHarness _harness = null!;
    private EmulatedApp _client = null!;

    private static CancellationToken Timeout => TestDeadline.Current;

    public async ValueTask InitializeAsync()
    {
        _harness = await DaprMcpHarness.StartAsync(new Dictionary<string, string?> { ["Mcp:PubSub:Topic"] = TopicA });
        await _harness.StartServerAsync("billing", new Dictionary<string, string?> { ["Mcp:PubSub:Topic"] = TopicB });
        _client = await _harness.StartAppAsync("agent", BuildClient, new Dictionary<string, string?>
        {
            ["Mcp:Servers:orders:AppId"] = "agent",
            ["Mcp:Servers:orders:ServerTopic"] = TopicA,
            ["Mcp:Servers:billing:AppId"] = "agent",
            ["Mcp:Servers:billing:ServerTopic"] = TopicB,
            ["Mcp:Servers:billing:ReplyTimeout"] = "00:01:00",
        });
    }

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Each_keyed_client_reaches_its_own_server_and_hears_its_answers(string? protocolVersion)
    {
        var orders = _client.App.Services.GetRequiredKeyedService<PubSubClientTransport>("orders");
        var billing = _client.App.Services.GetRequiredKeyedService<PubSubClientTransport>("billing");
        var publishedA = _harness.Emulator.Published(DaprMcpHarness.PubSub, TopicA).Count;
        var publishedB = _harness.Emulator.Published(DaprMcpHarness.PubSub, TopicB).Count;

        await using var toOrders = await orders.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, Timeout);
        var afterOrders = _harness.Emulator.Published(DaprMcpHarness.PubSub, TopicB).Count;
        await using var toBilling = await billing.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, Timeout);

        var fromOrders = await toOrders.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "to orders" }, cancellationToken: Timeout);
        var fromBilling = await toBilling.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "to billing" }, cancellationToken: Timeout);

        Assert.Equal("to orders", Assert.IsType<TextContentBlock>(Assert.Single(fromOrders.Content)).Text);
        Assert.Equal("to billing", Assert.IsType<TextContentBlock>(Assert.Single(fromBilling.Content)).Text);
        // Opening the orders client published nothing to billing's topic; each topic carried its own client's requests.
        Assert.Equal(publishedB, afterOrders);
        Assert.True(_harness.Emulator.Published(DaprMcpHarness.PubSub, TopicA).Count > publishedA);
        Assert.True(_harness.Emulator.Published(DaprMcpHarness.PubSub, TopicB).Count > publishedB);
        Assert.Contains(TopicA, orders.Name, StringComparison.Ordinal);
        Assert.Contains(TopicB, billing.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Keyed_clients_without_servers_in_configuration_fail_naming_the_section()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var error = Assert.Throws<InvalidOperationException>(() => builder.Services.AddMcpPubSubClients(builder.Configuration.GetSection("Mcp:Servers")));

        Assert.Contains("Mcp:Servers", error.Message, StringComparison.Ordinal);
    }

    // The agent: no default client, one keyed client per server in Mcp:Servers, one reply route for all of them.
    private static WebApplication BuildClient(string[] args, Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure(builder);
        builder.Services.AddMcpPubSubClients(builder.Configuration.GetSection("Mcp:Servers"));
        var app = builder.Build();
        app.MapSubscribeHandler();
        app.MapMcpPubSubReplies();
        return app;
    }
}
