using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>The server also works when a declarative Subscription YAML, not /dapr/subscribe, routes its topic.</summary>
public sealed class DeclarativeSubscriptionTests : IAsyncLifetime
{
    private const string Resources = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: pubsub
        spec:
          type: pubsub.in-memory
          version: v1
        ---
        apiVersion: dapr.io/v2alpha1
        kind: Subscription
        metadata:
          name: mcp-requests
        spec:
          pubsubname: pubsub
          topic: mcp-requests
          routes:
            default: /mcp/pubsub/requests
          deadLetterTopic: mcp-deadletters
        scopes:
        - server
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("asyncmcp-resources-").FullName;
    private DaprMcpHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "resources.yaml"), Resources);
        _harness = await DaprMcpHarness.StartAsync(
            DaprEmulator.FromResources(_folder, DaprMcpHarness.Options),
            serverSettings: new Dictionary<string, string?> { ["Mcp:PubSub:SubscribeProgrammatically"] = "false" });
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Requests_routed_by_a_subscription_file_are_served(string? protocolVersion)
    {
        var timeout = TestDeadline.Current;
        using var http = new HttpClient();
        var serverUrl = _harness.Server.App.Urls.First();
        var announced = JsonNode.Parse(await http.GetStringAsync($"{serverUrl}/dapr/subscribe", timeout))!.AsArray();

        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: timeout);
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "declared" }, cancellationToken: timeout);

        Assert.DoesNotContain(announced, subscription => (string?)subscription!["topic"] == "mcp-requests");
        Assert.Equal("declared", McpFeatureTests.Text(result));
    }
}
