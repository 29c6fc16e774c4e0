using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// Delivery to the app and the handling of its answer as daprd does for app protocol HTTP
/// (dapr/dapr pkg/runtime/subscription/postman/http/http.go Deliver; pkg/runtime/subscription/subscription.go).
/// </summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private const string Subscribe = """
        [{"pubsubname":"pubsub","topic":"orders","route":"/orders","deadLetterTopic":"poison"},
         {"pubsubname":"pubsub","topic":"nodlq","routes":{"rules":[{"match":"","path":"nodlq-rule"}],"default":"/nodlq"}}]
        """;

    private readonly DaprEmulator _emulator = new(new DaprEmulatorOptions { MaxDeliveryAttempts = 3, RetryBackoff = TimeSpan.FromMilliseconds(5) });
    private readonly Settled _settled;
    private TestApp _app = null!;
    private DaprSidecar _sidecar = null!;

    public DeliveryTests() => _settled = new Settled(_emulator);

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.aws.snssqs");
        _app = await TestApp.StartAsync(Subscribe);
        _sidecar = await _emulator.StartSidecarAsync("consumer");
        await _sidecar.AttachAppAsync(_app.Url, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _app.DisposeAsync();
    }

    private async Task PublishAsync(string topic, string json, string? traceParent = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_sidecar.HttpEndpoint, $"/v1.0/publish/pubsub/{topic}"))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task The_app_gets_a_POST_with_the_CloudEvent_and_daprd_headers()
    {
        await PublishAsync("orders", "{\"n\":1}", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Success, outcome.Status);
        Assert.Equal(1, outcome.Attempts);

        var request = Assert.Single(_app.Received);
        Assert.Equal("/orders", request.Path);
        Assert.StartsWith("application/cloudevents+json", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("pubsub", request.Headers["pubsubname"]);
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", request.Headers["traceparent"], StringComparison.Ordinal);
        var ce = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(1, ce.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(outcome.CloudEventId, ce.GetProperty("id").GetString());
        Assert.Equal(_emulator.Published("pubsub", "orders")[0].Body.ToArray(), Encoding.UTF8.GetBytes(request.Body)); // bytes as on the broker
    }

    [Fact]
    public async Task Routes_rules_with_empty_match_are_taken_before_the_default()
    {
        // dapr/dapr pkg/runtime/subscription/subscription.go matchRoutingRule: a rule without match always matches.
        await PublishAsync("nodlq", "{}");
        await _settled.WaitForAsync(1);
        Assert.Equal("/nodlq-rule", Assert.Single(_app.Received).Path);
    }

    [Theory]
    [InlineData("{\"status\":\"SUCCESS\"}")]
    [InlineData("{\"status\":\"\"}")]
    [InlineData("not json at all")]
    [InlineData("[1,2]")]
    public async Task A_2xx_with_SUCCESS_no_status_or_an_unreadable_body_is_success(string body)
    {
        _app.Handler = (_, r) => TestApp.Json(r, body);
        await PublishAsync("orders", "{}");
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Success, outcome.Status);
        Assert.Single(_app.Received);
    }

    [Fact]
    public async Task An_unknown_status_or_a_5xx_is_retried_until_the_app_succeeds()
    {
        var calls = 0;
        _app.Handler = (_, r) => Interlocked.Increment(ref calls) switch
        {
            1 => TestApp.Json(r, "{\"status\":\"MAYBE\"}"),
            2 => TestApp.Json(r, "oops", 503),
            _ => TestApp.Json(r, "{\"status\":\"SUCCESS\"}"),
        };
        await PublishAsync("orders", "{}");
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Success, outcome.Status);
        Assert.Equal(3, outcome.Attempts);
        var ids = _app.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()).Distinct();
        Assert.Single(ids); // a retry is the same CloudEvent
    }

    /// <summary>
    /// What daprd makes of the app's answer, with and without a dead-letter topic on the subscription
    /// (postman/http/http.go Deliver: RETRY and 5xx are retried, DROP and 404 are ErrMessageDropped;
    /// subscription.go: a dropped message, or one whose retries ran out, goes to the dead-letter topic if configured,
    /// else it is discarded). A dead letter is the original message, on the same pubsub (subscription.go sendToDeadLetter).
    /// </summary>
    [Theory]
    [InlineData(200, "{\"status\":\"RETRY\"}", "orders", "DeadLettered", 3)]
    [InlineData(500, null, "nodlq", "Discarded", 3)]
    [InlineData(200, "{\"status\":\"DROP\"}", "orders", "DeadLettered", 1)]
    [InlineData(200, "{\"status\":\"DROP\"}", "nodlq", "Drop", 1)]
    [InlineData(404, null, "orders", "DeadLettered", 1)]
    [InlineData(404, null, "nodlq", "Drop", 1)]
    public async Task The_apps_answer_decides_retry_drop_and_dead_letter(int statusCode, string? body, string topic, string expected, int attempts)
    {
        _app.Handler = (_, r) => body is null ? SetStatus(r, statusCode) : TestApp.Json(r, body, statusCode);
        await PublishAsync(topic, "{}");

        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(Enum.Parse<DeliveryStatus>(expected), outcome.Status);
        Assert.Equal(attempts, outcome.Attempts);
        Assert.Equal(attempts, _app.Received.Count);
        if (outcome.Status == DeliveryStatus.DeadLettered)
        {
            Assert.Equal("poison", outcome.DeadLetterTopic);
            var dead = Assert.Single(_emulator.Published("pubsub", "poison"));
            Assert.Equal(_emulator.Published("pubsub", topic)[0].Body.ToArray(), dead.Body.ToArray());
        }
        else
        {
            Assert.Empty(_emulator.Published("pubsub", "poison"));
        }
    }

    private static Task SetStatus(HttpResponse response, int statusCode)
    {
        response.StatusCode = statusCode;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_connection_failure_is_retried()
    {
        await _app.DisposeAsync(); // the app is gone, the sidecar is not
        await PublishAsync("orders", "{}");
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.DeadLettered, outcome.Status);
        Assert.Equal(3, outcome.Attempts);
    }

    [Fact]
    public async Task A_message_that_is_not_a_CloudEvent_goes_to_the_dead_letter_topic_undelivered()
    {
        // subscription.go: "error deserializing cloud event" -> sendToDeadLetter when configured.
        await _emulator.InjectAsync("pubsub", "orders", "{broken"u8.ToArray(), ct: TestContext.Current.CancellationToken);
        await _emulator.InjectAsync("pubsub", "nodlq", "{broken"u8.ToArray(), ct: TestContext.Current.CancellationToken);
        var outcomes = await _settled.WaitForAsync(2);
        Assert.Equal(DeliveryStatus.DeadLettered, outcomes.Single(o => o.Topic == "orders").Status);
        Assert.Equal(DeliveryStatus.Discarded, outcomes.Single(o => o.Topic == "nodlq").Status);
        Assert.Empty(_app.Received);
        Assert.Equal("{broken", Encoding.UTF8.GetString(Assert.Single(_emulator.Published("pubsub", "poison")).Body.Span));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{\"id\":\"a\"} {}")]
    [InlineData("{\"id\":\"a\",\"data\":{\"x\":[1,}}")]
    public async Task A_body_that_is_not_exactly_one_JSON_object_is_not_delivered(string body)
    {
        // subscription.go unmarshals the event into a map (encoding/json): an array, a string, a second value after the
        // object or a broken value inside it fails as "error deserializing cloud event", before anything is delivered.
        await _emulator.InjectAsync("pubsub", "nodlq", Encoding.UTF8.GetBytes(body), ct: TestContext.Current.CancellationToken);
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Discarded, outcome.Status);
        Assert.Empty(_app.Received);
    }

    [Fact]
    public async Task An_id_that_is_not_a_string_counts_as_no_id_and_the_event_is_still_delivered()
    {
        // subscription.go reads the id with a string type assertion: a number is no id; the event is delivered as it came.
        await _emulator.InjectAsync("pubsub", "orders", "{\"id\":7,\"source\":\"elsewhere\",\"data\":{\"n\":[1,2,{\"deep\":true}]}}"u8.ToArray(), ct: TestContext.Current.CancellationToken);
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Success, outcome.Status);
        Assert.Null(outcome.CloudEventId);
        Assert.Equal(7, JsonDocument.Parse(Assert.Single(_app.Received).Body).RootElement.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task An_injected_foreign_CloudEvent_is_delivered_as_is()
    {
        await _emulator.InjectAsync("pubsub", "orders", "{\"id\":\"foreign-1\",\"source\":\"elsewhere\",\"specversion\":\"1.0\",\"type\":\"t\"}"u8.ToArray(), ct: TestContext.Current.CancellationToken);
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal("foreign-1", outcome.CloudEventId);
        Assert.Equal("elsewhere", JsonDocument.Parse(Assert.Single(_app.Received).Body).RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_expired_message_is_not_delivered()
    {
        // components-contrib pubsub/envelope.go HasExpired; subscription.go drops it (and dead-letters it when configured).
        await _emulator.InjectAsync("pubsub", "nodlq", "{\"id\":\"old\",\"expiration\":\"2000-01-01T00:00:00Z\"}"u8.ToArray(), ct: TestContext.Current.CancellationToken);
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Drop, outcome.Status);
        Assert.Empty(_app.Received);
    }

    [Fact]
    public async Task Subscribers_of_the_dead_letter_topic_receive_dead_letters()
    {
        await using var dlqApp = await TestApp.StartAsync("""[{"pubsubname":"pubsub","topic":"poison","route":"/dead"}]""");
        await using var dlqSidecar = await _emulator.StartSidecarAsync("janitor", TestContext.Current.CancellationToken);
        await dlqSidecar.AttachAppAsync(dlqApp.Url, TestContext.Current.CancellationToken);
        _app.Handler = (_, r) => TestApp.Json(r, "{\"status\":\"DROP\"}");

        await PublishAsync("orders", "{\"n\":5}");
        await _settled.WaitForAsync(2);
        var dead = Assert.Single(dlqApp.Received);
        Assert.Equal(5, JsonDocument.Parse(dead.Body).RootElement.GetProperty("data").GetProperty("n").GetInt32());
    }
}
