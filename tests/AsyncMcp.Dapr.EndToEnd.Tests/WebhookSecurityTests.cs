using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// The webhook receiver refuses, with a 4xx, every delivery it cannot verify, and nothing of it reaches the MCP
/// client. Each case starts from a delivery the client would accept (the positive control).
/// </summary>
public sealed class WebhookSecurityTests : IAsyncLifetime
{
    private const string Path = "mcp/webhooks/replies";
    private DaprMcpHarness _harness = null!;
    private McpClient _client = null!;
    private int _probes;

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _harness = await DaprMcpHarness.StartWithWebhooksAsync();
        _client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        _client.RegisterNotificationHandler("notifications/test_probe", (_, _) =>
        {
            Interlocked.Increment(ref _probes);
            return ValueTask.CompletedTask;
        });

        // The gate records a delivery once the receiver has answered it, which can be after the client saw the reply:
        // the probes are built from a recorded delivery.
        await Wait.UntilAsync(() => !_harness.Gate!.Deliveries.IsEmpty, Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_correctly_signed_delivery_is_accepted_the_positive_control()
    {
        var (headers, body) = Signed(Probe(), DaprMcpHarness.WebhookSecret);

        Assert.Equal(204, await _harness.Gate!.SendAsync(Path, headers, body));
        await Wait.UntilAsync(() => Volatile.Read(ref _probes) == 1, Timeout);
    }

    [Fact]
    public async Task A_forged_signature_is_rejected()
    {
        var (headers, body) = Signed(Probe(), DaprMcpHarness.WebhookSecret);
        headers["webhook-signature"] = "v1," + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        await AssertRejectedAsync(401, headers, body);
    }

    [Fact]
    public async Task A_delivery_signed_with_the_wrong_secret_is_rejected()
    {
        var (headers, body) = Signed(Probe(), "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

        await AssertRejectedAsync(401, headers, body);
    }

    [Fact]
    public async Task A_stale_timestamp_is_rejected_even_when_correctly_signed()
    {
        var (headers, body) = Signed(Probe(), DaprMcpHarness.WebhookSecret, DateTimeOffset.UtcNow.AddMinutes(-6));

        await AssertRejectedAsync(401, headers, body);
    }

    [Fact]
    public async Task A_replayed_delivery_is_rejected_and_delivered_only_once()
    {
        var (headers, body) = Signed(Probe(), DaprMcpHarness.WebhookSecret);
        Assert.Equal(204, await _harness.Gate!.SendAsync(Path, headers, body));
        await Wait.UntilAsync(() => Volatile.Read(ref _probes) == 1, Timeout);

        Assert.Equal(409, await _harness.Gate.SendAsync(Path, headers, body));
        await Task.Delay(200, Timeout);
        Assert.Equal(1, Volatile.Read(ref _probes));
    }

    [Fact]
    public async Task A_body_altered_in_flight_is_rejected()
    {
        var (headers, body) = Signed(Probe(), DaprMcpHarness.WebhookSecret);
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("test_probe", "test_probf", StringComparison.Ordinal));

        await AssertRejectedAsync(401, headers, altered);
    }

    [Fact]
    public async Task A_delivery_without_signature_headers_is_rejected()
    {
        var (_, body) = Signed(Probe(), DaprMcpHarness.WebhookSecret);

        await AssertRejectedAsync(400, new Dictionary<string, string> { ["content-type"] = "application/cloudevents+json" }, body);
    }

    [Fact]
    public async Task A_retry_signed_afresh_with_the_same_id_is_acknowledged_but_not_delivered_again()
    {
        var probe = Probe();
        var (first, body) = Signed(probe, DaprMcpHarness.WebhookSecret, DateTimeOffset.UtcNow.AddSeconds(-2));
        var (retry, _) = Signed(probe, DaprMcpHarness.WebhookSecret);

        Assert.Equal(204, await _harness.Gate!.SendAsync(Path, first, body));
        Assert.Equal(204, await _harness.Gate.SendAsync(Path, retry, body));
        await Wait.UntilAsync(() => Volatile.Read(ref _probes) == 1, Timeout);
        await Task.Delay(200, Timeout);
        Assert.Equal(1, Volatile.Read(ref _probes));
    }

    private async Task AssertRejectedAsync(int expected, Dictionary<string, string> headers, byte[] body)
    {
        Assert.Equal(expected, await _harness.Gate!.SendAsync(Path, headers, body));

        // The same notification, properly signed, does reach the client: so the rejected one would have, had it passed.
        var (controlHeaders, controlBody) = Signed(Probe(), DaprMcpHarness.WebhookSecret);
        Assert.Equal(204, await _harness.Gate.SendAsync(Path, controlHeaders, controlBody));
        await Wait.UntilAsync(() => Volatile.Read(ref _probes) >= 1, Timeout);
        Assert.Equal(1, Volatile.Read(ref _probes));
    }

    // A notification for the live connection, built from a real delivery so that it names the client's connection.
    private JsonObject Probe()
    {
        var real = JsonNode.Parse(_harness.Gate!.Deliveries.First().Body)!.AsObject();
        real["id"] = Guid.NewGuid().ToString("N");
        real["data"] = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/test_probe" };
        return real;
    }

    private static (Dictionary<string, string> Headers, byte[] Body) Signed(JsonObject cloudEvent, string secret, DateTimeOffset? at = null)
    {
        var body = Encoding.UTF8.GetBytes(cloudEvent.ToJsonString());
        var id = (string)cloudEvent["id"]!;
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/cloudevents+json",
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSignature.Sign(WebhookSecrets.Parse(secret), id, timestamp, body),
        };
        return (headers, body);
    }
}
