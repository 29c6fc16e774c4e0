using System.Text;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>Loading a resources folder as daprd's --resources-path, and declarative subscriptions.</summary>
public sealed class ResourcesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dapr-emulator-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(string file, string yaml) => File.WriteAllText(Path.Combine(_folder, file), yaml);

    private const string Components = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: pubsub
        spec:
          type: pubsub.aws.snssqs
          version: v1
          metadata:
          - name: region
            value: us-east-1
          - name: accessKey
            secretKeyRef:
              name: aws
              key: accessKey
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: statestore
        spec:
          type: state.redis
          version: v1
          metadata:
          - name: actorStateStore
            value: "true"
        scopes:
        - server
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: ignored
        spec: {}
        """;

    [Fact]
    public async Task Declarative_v2alpha1_subscription_scoped_to_the_app_is_delivered_with_its_dead_letter_topic()
    {
        Write("components.yaml", Components);
        Write("subscriptions.yml", """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: requests
            spec:
              pubsubname: pubsub
              topic: requests
              routes:
                default: /mcp/requests
              deadLetterTopic: requests-dead
            scopes:
            - server
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Subscription
            metadata:
              name: replies
            spec:
              pubsubname: pubsub
              topic: replies
              route: /mcp/replies
            scopes:
            - client
            """);
        await using var emulator = DaprEmulator.FromResources(_folder, new DaprEmulatorOptions { RetryBackoff = TimeSpan.FromMilliseconds(1) });
        var settled = new Settled(emulator);
        await using var app = await TestApp.StartAsync("[]");
        app.Handler = (_, r) => TestApp.Json(r, "{\"status\":\"DROP\"}");
        await using var server = await emulator.StartSidecarAsync("server", TestContext.Current.CancellationToken);
        await server.AttachAppAsync(app.Url, TestContext.Current.CancellationToken);

        await emulator.InjectAsync("pubsub", "requests", "{\"id\":\"r1\"}"u8.ToArray(), ct: TestContext.Current.CancellationToken);
        await emulator.InjectAsync("pubsub", "replies", "{\"id\":\"r2\"}"u8.ToArray(), ct: TestContext.Current.CancellationToken); // not this app's
        var outcome = Assert.Single(await settled.WaitForAsync(1));
        Assert.Equal("r1", outcome.CloudEventId);
        Assert.Equal(DeliveryStatus.DeadLettered, outcome.Status);
        Assert.Equal("/mcp/requests", Assert.Single(app.Received).Path);
        Assert.Single(emulator.Published("pubsub", "requests-dead"));
    }

    [Fact]
    public async Task Component_scopes_hide_a_state_store_from_other_apps()
    {
        Write("components.yaml", Components);
        await using var emulator = DaprEmulator.FromResources(_folder);
        await using var client = await emulator.StartSidecarAsync("client", TestContext.Current.CancellationToken);
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(client.HttpEndpoint, "/v1.0/state/statestore/k"), TestContext.Current.CancellationToken);
        // No state store for this app: dapr/dapr pkg/api/errors/state.go NotConfigured, HTTP 500, "state store %s is not
        // configured", the reason DAPR_STATE_NOT_CONFIGURED.
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        using var error = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("ERR_STATE_STORE_NOT_CONFIGURED", error.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal("state store statestore is not configured", error.RootElement.GetProperty("message").GetString());
        Assert.Equal("DAPR_STATE_NOT_CONFIGURED", error.RootElement.GetProperty("details")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public void An_unsupported_component_type_is_refused_naming_type_name_and_file()
    {
        Write("kafka.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: events
            spec:
              type: pubsub.kafka
              version: v1
            """);
        var error = Assert.Throws<NotSupportedException>(() => DaprEmulator.FromResources(_folder));
        Assert.Contains("pubsub.kafka", error.Message, StringComparison.Ordinal);
        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
        Assert.Contains("kafka.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_routing_rule_with_a_CEL_match_fails_loudly_at_attach()
    {
        await using var emulator = new DaprEmulator();
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        await using var app = await TestApp.StartAsync("""
            [{"pubsubname":"pubsub","topic":"t","routes":{"rules":[{"match":"event.type == \"x\"","path":"/x"}],"default":"/d"}}]
            """);
        await using var sidecar = await emulator.StartSidecarAsync("app", TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => sidecar.AttachAppAsync(app.Url, TestContext.Current.CancellationToken));
        Assert.Contains("event.type == \"x\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_to_a_pubsub_the_app_cannot_see_is_ignored()
    {
        await using var emulator = new DaprEmulator();
        emulator.AddComponent("pubsub", "pubsub.in-memory", scopes: ["other"]);
        var settled = new Settled(emulator);
        await using var app = await TestApp.StartAsync("""[{"pubsubname":"pubsub","topic":"t","route":"/t"}]""");
        await using var sidecar = await emulator.StartSidecarAsync("app", TestContext.Current.CancellationToken);
        await sidecar.AttachAppAsync(app.Url, TestContext.Current.CancellationToken);
        await emulator.InjectAsync("pubsub", "t", Encoding.UTF8.GetBytes("{\"id\":\"1\"}"), ct: TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Empty(app.Received);
        Assert.Empty(settled.All);
    }
}
