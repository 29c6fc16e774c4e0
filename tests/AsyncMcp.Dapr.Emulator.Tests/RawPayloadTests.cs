using System.Text;
using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// A subscription with metadata <c>rawPayload: "true"</c> gets whatever bytes are on the broker wrapped in a new
/// CloudEvent, as daprd does (dapr/dapr pkg/runtime/subscription/subscription.go, case rawPayload; components-contrib
/// pubsub/envelope.go FromRawPayload), so that even bytes that are not a CloudEvent reach the app.
/// </summary>
public sealed class RawPayloadTests : IAsyncLifetime
{
    private const string Subscribe = """
        [{"pubsubname":"pubsub","topic":"raw","route":"/raw","metadata":{"rawPayload":"true"}},
         {"pubsubname":"pubsub","topic":"badflag","route":"/badflag","metadata":{"rawPayload":"maybe"}}]
        """;

    private readonly DaprEmulator _emulator = new(new DaprEmulatorOptions { MaxDeliveryAttempts = 1 });
    private readonly Settled _settled;
    private TestApp _app = null!;

    public RawPayloadTests() => _settled = new Settled(_emulator);

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.in-memory");
        _app = await TestApp.StartAsync(Subscribe);
        var sidecar = await _emulator.StartSidecarAsync("consumer");
        await sidecar.AttachAppAsync(_app.Url, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"specversion":"1.0","id":"original-1","source":"app","type":"t","topic":"mcp-requests"}""")]
    public async Task The_bytes_on_the_broker_arrive_as_data_base64_of_a_new_CloudEvent(string onTheBroker)
    {
        await _emulator.InjectAsync("pubsub", "raw", Encoding.UTF8.GetBytes(onTheBroker), ct: TestContext.Current.CancellationToken);

        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal(DeliveryStatus.Success, outcome.Status);
        var request = Assert.Single(_app.Received);
        Assert.Equal("/raw", request.Path);
        Assert.StartsWith("application/cloudevents+json", request.Headers["content-type"], StringComparison.Ordinal);
        var ce = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(onTheBroker, Encoding.UTF8.GetString(Convert.FromBase64String(ce.GetProperty("data_base64").GetString()!)));
        Assert.Equal("application/octet-stream", ce.GetProperty("datacontenttype").GetString());
        Assert.Equal("com.dapr.event.sent", ce.GetProperty("type").GetString());
        Assert.Equal("Dapr", ce.GetProperty("source").GetString());
        Assert.Equal("1.0", ce.GetProperty("specversion").GetString());
        Assert.Equal("raw", ce.GetProperty("topic").GetString());
        Assert.Equal("pubsub", ce.GetProperty("pubsubname").GetString());

        // A fresh id per delivery (envelope.go: "the same message can be redelivered as a different ID").
        Assert.True(Guid.TryParse(ce.GetProperty("id").GetString(), out _));
        Assert.NotEqual("original-1", ce.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_rawPayload_value_that_is_not_a_boolean_is_not_delivered()
    {
        // metadata.IsRawPayload fails on strconv.ParseBool: the message never reaches the app.
        await _emulator.InjectAsync("pubsub", "badflag", Encoding.UTF8.GetBytes("{}"), ct: TestContext.Current.CancellationToken);

        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.NotEqual(DeliveryStatus.Success, outcome.Status);
        Assert.Empty(_app.Received);
    }
}
