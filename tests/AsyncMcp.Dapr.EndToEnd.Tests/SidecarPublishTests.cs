using System.Net;
using System.Text.Json;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// Every request and answer is published through the sidecar's HTTP publish API (<c>POST /v1.0/publish/{pubsub}/{topic}</c>,
/// content type <c>application/cloudevents+json</c>), at the endpoint and with the API token the Dapr .NET SDK reads:
/// the event arrives whole, a refusal carries daprd's error code, and the token goes with every publish.
/// </summary>
public sealed class SidecarPublishTests : IAsyncLifetime
{
    private const string PubSub = "pubsub";
    private readonly DaprEmulator _emulator = new();
    private DaprSidecar _sidecar = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent(PubSub, "pubsub.in-memory");
        _sidecar = await _emulator.StartSidecarAsync("publisher", TestDeadline.Current);
    }

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task A_published_envelope_reaches_the_topic_as_the_whole_CloudEvent_it_was()
    {
        using var publisher = Publisher(new() { ["DAPR_HTTP_ENDPOINT"] = _sidecar.HttpEndpoint.ToString() });
        var envelope = McpEnvelope.Create("publisher", "session-1", "connection-1",
            new JsonRpcNotification { Method = "notifications/progress" }, ReplyAddress.ForPubSub(PubSub, "mcp-replies-publisher"), id: "event-1");

        await publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(envelope), TestDeadline.Current);

        var published = Assert.Single(_emulator.Published(PubSub, "mcp-requests"));
        Assert.Equal(McpEnvelopeCodec.CloudEventContentType, published.ContentType);
        using var cloudEvent = JsonDocument.Parse(published.Body);
        var root = cloudEvent.RootElement;
        Assert.Equal("event-1", root.GetProperty("id").GetString());
        Assert.Equal("publisher", root.GetProperty("source").GetString());
        Assert.Equal("notifications/progress", root.GetProperty("data").GetProperty("method").GetString());
        var decoded = new McpEnvelopeCodec().Decode(published.Body, WireLimits.DefaultMaxMessageBytes).Envelope!;
        Assert.Equal("session-1", decoded.SessionId);
        Assert.Equal("connection-1", decoded.Connection);
    }

    [Fact]
    public async Task A_publish_the_sidecar_refuses_throws_with_daprds_error_code_and_the_topic()
    {
        using var publisher = Publisher(new() { ["DAPR_HTTP_ENDPOINT"] = _sidecar.HttpEndpoint.ToString() });
        var envelope = McpEnvelope.Create("publisher", null, null, new JsonRpcNotification { Method = "notifications/progress" });

        var refused = await Assert.ThrowsAsync<SidecarPublishException>(() =>
            publisher.PublishAsync("no-such-pubsub", "mcp-requests", publisher.Encode(envelope), TestDeadline.Current));

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", refused.ErrorCode);
        Assert.Contains("no-such-pubsub", refused.Message, StringComparison.Ordinal);
        Assert.Contains("mcp-requests", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_sidecar_throws_HttpRequestException()
    {
        using var publisher = Publisher(new() { ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{LoopbackApp.FreePort()}" });
        var envelope = McpEnvelope.Create("publisher", null, null, new JsonRpcNotification { Method = "notifications/progress" });

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(envelope), TestDeadline.Current));
    }

    [Theory]
    [InlineData("token-5c1e")]
    [InlineData(null)]
    public async Task The_Dapr_API_token_goes_with_every_publish_and_the_port_alone_finds_the_sidecar(string? token)
    {
        // A stand-in for daprd that records what reaches its publish route.
        var seen = new List<(string Path, string? Token, string? ContentType)>();
        await using var sidecar = LoopbackApp.CreateBuilder().Build();
        sidecar.MapPost("/v1.0/publish/{pubsub}/{topic}", (HttpContext context) =>
        {
            lock (seen)
            {
                seen.Add((context.Request.Path, context.Request.Headers["dapr-api-token"].FirstOrDefault(), context.Request.ContentType));
            }

            return Results.NoContent();
        });
        var port = (await LoopbackApp.StartAsync(sidecar, TestDeadline.Current)).Port;

        var settings = new Dictionary<string, string?> { ["DAPR_HTTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (token is not null)
        {
            settings["DAPR_API_TOKEN"] = token;
        }

        using var publisher = Publisher(settings);
        var envelope = McpEnvelope.Create("publisher", null, null, new JsonRpcNotification { Method = "notifications/progress" });
        await publisher.PublishAsync(PubSub, "mcp-requests", publisher.Encode(envelope), TestDeadline.Current);
        await publisher.PublishAsync(PubSub, "mcp-replies-a", publisher.Encode(envelope), TestDeadline.Current);

        Assert.Equal(
            [("/v1.0/publish/pubsub/mcp-requests", token, McpEnvelopeCodec.CloudEventContentType), ("/v1.0/publish/pubsub/mcp-replies-a", token, McpEnvelopeCodec.CloudEventContentType)],
            seen);
    }

    private static McpEventPublisher Publisher(Dictionary<string, string?> settings) =>
        new(new McpEnvelopeCodec(), new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
