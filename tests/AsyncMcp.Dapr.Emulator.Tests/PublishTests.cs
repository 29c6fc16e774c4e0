using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// Publishing builds the CloudEvent as daprd does (dapr/dapr pkg/runtime/pubsub/cloudevents.go NewCloudEvent;
/// components-contrib pubsub/envelope.go NewCloudEventsEnvelope and FromCloudEvent) and answers errors as
/// dapr/dapr pkg/api/errors/pubsub.go.
/// </summary>
public sealed class PublishTests : IAsyncLifetime
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private readonly DaprEmulator _emulator = new();
    private readonly HttpClient _http = new();
    private DaprSidecar _sidecar = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.redis");
        _sidecar = await _emulator.StartSidecarAsync("publisher");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<HttpResponseMessage> PublishAsync(string body, string? contentType, string path = "/v1.0/publish/pubsub/orders", string? traceParent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_sidecar.HttpEndpoint, path)) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
            request.Headers.TryAddWithoutValidation("tracestate", "vendor=1");
        }

        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private JsonElement LastEvent(string topic = "orders")
    {
        var message = _emulator.Published("pubsub", topic)[^1];
        return JsonDocument.Parse(message.Body).RootElement;
    }

    [Fact]
    public async Task Raw_json_payload_is_wrapped_in_a_new_envelope_with_sidecar_attributes()
    {
        // components-contrib pubsub/envelope.go NewCloudEventsEnvelope; source is the app-id (pkg/api/http publish).
        using var response = await PublishAsync("{\"orderId\":12345678901234567890}", "application/json", traceParent: TraceParent);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var ce = LastEvent();
        Assert.True(Guid.TryParse(ce.GetProperty("id").GetString(), out _));
        Assert.Equal("publisher", ce.GetProperty("source").GetString());
        Assert.Equal("com.dapr.event.sent", ce.GetProperty("type").GetString());
        Assert.Equal("1.0", ce.GetProperty("specversion").GetString());
        Assert.Equal("application/json", ce.GetProperty("datacontenttype").GetString());
        Assert.Equal("orders", ce.GetProperty("topic").GetString());
        Assert.Equal("pubsub", ce.GetProperty("pubsubname").GetString());
        Assert.Equal("12345678901234567890", ce.GetProperty("data").GetProperty("orderId").GetRawText()); // parsed, precise
        Assert.Equal("vendor=1", ce.GetProperty("tracestate").GetString());

        // The traceparent is daprd's span for the publish call: same trace, its own span id.
        var traceparent = ce.GetProperty("traceparent").GetString()!;
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", traceparent, StringComparison.Ordinal);
        Assert.NotEqual(TraceParent, traceparent);
        Assert.Equal(traceparent, ce.GetProperty("traceid").GetString());

        // Go marshals map keys in order.
        var names = ce.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Raw_text_payload_becomes_string_data_and_binary_becomes_data_base64()
    {
        using (var r = await PublishAsync("hello", "text/plain"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        Assert.Equal("hello", LastEvent().GetProperty("data").GetString());

        using (var r = await PublishAsync("AB", "application/octet-stream"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        Assert.Equal(Convert.ToBase64String("AB"u8.ToArray()), LastEvent().GetProperty("data_base64").GetString());
        Assert.False(LastEvent().TryGetProperty("data", out _));
    }

    [Fact]
    public async Task A_published_CloudEvent_keeps_its_id_source_type_and_extensions()
    {
        // components-contrib pubsub/envelope.go FromCloudEvent: topic, pubsubname and trace fields set by the sidecar.
        const string cloudEvent = "{\"specversion\":\"1.0\",\"id\":\"my-id\",\"source\":\"my-source\",\"type\":\"my.type\",\"mcpsession\":\"s-1\",\"topic\":\"spoofed\",\"data\":{\"x\":1}}";
        using var response = await PublishAsync(cloudEvent, "application/cloudevents+json", traceParent: TraceParent);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var ce = LastEvent();
        Assert.Equal("my-id", ce.GetProperty("id").GetString());
        Assert.Equal("my-source", ce.GetProperty("source").GetString());
        Assert.Equal("my.type", ce.GetProperty("type").GetString());
        Assert.Equal("s-1", ce.GetProperty("mcpsession").GetString());
        Assert.Equal("orders", ce.GetProperty("topic").GetString());
        Assert.Equal("pubsub", ce.GetProperty("pubsubname").GetString());
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", ce.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_CloudEvent_without_source_or_type_gets_daprs_defaults()
    {
        using var response = await PublishAsync("{\"id\":\"1\",\"data\":\"x\"}", "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ce = LastEvent();
        Assert.Equal("Dapr", ce.GetProperty("source").GetString());
        Assert.Equal("com.dapr.event.sent", ce.GetProperty("type").GetString());
        Assert.Equal("1.0", ce.GetProperty("specversion").GetString());
    }

    [Fact]
    public async Task A_published_CloudEvent_is_written_in_key_order_with_null_attributes_defaulted_and_a_repeated_key_read_last()
    {
        // components-contrib pubsub/envelope.go FromCloudEvent reads the event into a Go map (a repeated key keeps its
        // last value; a null value is a nil entry, which the defaults replace) and json.Marshal writes a map's keys sorted.
        const string cloudEvent = "{\"type\":null,\"id\":\"first\",\"zext\":\"z\",\"data\":{\"b\":2,\"a\":[1,\"<&>\"]},\"id\":\"last\",\"aext\":1.50}";
        using var response = await PublishAsync(cloudEvent, "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var ce = LastEvent();
        var keys = ce.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal("last", ce.GetProperty("id").GetString());
        Assert.Equal("com.dapr.event.sent", ce.GetProperty("type").GetString());
        // Attribute values, data included, travel unchanged (inner keys keep their order).
        var data = ce.GetProperty("data");
        Assert.Equal(["b", "a"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal("<&>", data.GetProperty("a")[1].GetString());
        Assert.Equal("1.50", ce.GetProperty("aext").GetRawText());
    }

    [Fact]
    public async Task A_published_CloudEvent_with_its_own_traceid_keeps_its_trace_fields_and_time()
    {
        // components-contrib pubsub/envelope.go FromCloudEvent (since #3080, Dapr 1.12): traceid and traceparent are set
        // only when the event has no traceid, tracestate only when it has none, time only when missing.
        const string own = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var cloudEvent = $"{{\"specversion\":\"1.0\",\"id\":\"1\",\"time\":\"2020-01-01T00:00:00Z\",\"traceid\":\"{own}\",\"traceparent\":\"{own}\",\"data\":1}}";
        using (var response = await PublishAsync(cloudEvent, "application/cloudevents+json", traceParent: TraceParent))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var ce = LastEvent();
        Assert.Equal(own, ce.GetProperty("traceid").GetString());
        Assert.Equal(own, ce.GetProperty("traceparent").GetString());
        Assert.Equal("vendor=1", ce.GetProperty("tracestate").GetString());
        Assert.Equal("2020-01-01T00:00:00Z", ce.GetProperty("time").GetString());

        // Without a traceid the sidecar's span is written over any traceparent, and a missing time is now (RFC 3339).
        using (var response = await PublishAsync($"{{\"id\":\"2\",\"traceparent\":\"{own}\",\"data\":1}}", "application/cloudevents+json", traceParent: TraceParent))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        ce = LastEvent();
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", ce.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
        Assert.Equal(ce.GetProperty("traceparent").GetString(), ce.GetProperty("traceid").GetString());
        var time = DateTimeOffset.Parse(ce.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - time, TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_raw_payloads_envelope_has_the_time_of_the_publish()
    {
        // components-contrib pubsub/envelope.go NewCloudEventsEnvelope: time.Now().Format(time.RFC3339).
        using var response = await PublishAsync("{}", "application/json");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var text = LastEvent().GetProperty("time").GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", text);
    }

    [Fact]
    public async Task Cloudevent_metadata_overrides_id_source_and_type_of_a_raw_payload()
    {
        // dapr/dapr pkg/runtime/pubsub/cloudevents.go: metadata "cloudevent.*" decoded over the envelope (any case).
        using var response = await PublishAsync("{}", "application/json",
            "/v1.0/publish/pubsub/orders?metadata.cloudevent.id=fixed-id&metadata.CloudEvent.Source=billing&metadata.cloudevent.type=order.created");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ce = LastEvent();
        Assert.Equal("fixed-id", ce.GetProperty("id").GetString());
        Assert.Equal("billing", ce.GetProperty("source").GetString());
        Assert.Equal("order.created", ce.GetProperty("type").GetString());
        Assert.Equal("fixed-id", _emulator.Published("pubsub", "orders")[^1].Metadata.Single(p => p.Key == "cloudevent.id").Value);
    }

    [Fact]
    public async Task Ttl_metadata_becomes_the_expiration_attribute()
    {
        // components-contrib pubsub/envelope.go ApplyMetadata (the emulated brokers have no TTL of their own).
        using var response = await PublishAsync("{}", "application/json", "/v1.0/publish/pubsub/orders?metadata.ttlInSeconds=60");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var expiration = DateTimeOffset.Parse(LastEvent().GetProperty("expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiration - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
    }

    [Fact]
    public async Task An_invalid_CloudEvent_body_is_refused_with_ERR_PUBSUB_CLOUD_EVENTS_SER()
    {
        // dapr/dapr pkg/api/errors/pubsub.go CloudEventCreation: HTTP 500, "cannot create cloudevent", built (as every
        // pubsub error since 1.14) with dapr/kit's builder: a ResourceInfo naming the pubsub, then an ErrorInfo whose
        // reason is errorcodes.go PubSubCloudEventsSer and whose metadata is WithAppError's appID and error.
        using var response = await PublishAsync("{not json", "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("ERR_PUBSUB_CLOUD_EVENTS_SER", error.GetProperty("errorCode").GetString());
        Assert.Equal("cannot create cloudevent", error.GetProperty("message").GetString());
        var details = error.GetProperty("details").EnumerateArray().ToList();
        Assert.Equal(["type.googleapis.com/google.rpc.ResourceInfo", "type.googleapis.com/google.rpc.ErrorInfo"], details.Select(d => d.GetProperty("@type").GetString()));
        Assert.Equal("pubsub", details[0].GetProperty("resource_type").GetString());
        Assert.Equal("pubsub", details[0].GetProperty("resource_name").GetString());
        Assert.Equal("DAPR_PUBSUB_CLOUD_EVENT_CREATION", details[1].GetProperty("reason").GetString());
        Assert.Equal("dapr.io", details[1].GetProperty("domain").GetString());
        Assert.Equal("publisher", details[1].GetProperty("metadata").GetProperty("appID").GetString());
        Assert.Empty(_emulator.Published("pubsub", "orders"));
    }

    [Fact]
    public async Task Publishing_to_an_unknown_pubsub_is_404_ERR_PUBSUB_NOT_FOUND()
    {
        // dapr/dapr pkg/api/errors/pubsub.go NotFound (1.14 and later): "%s %s is not found", HTTP 404, an ErrorInfo with
        // the reason DAPR_PUBSUB_NOT_FOUND and the call's metadata, and no ResourceInfo (skipResourceInfo); dapr/kit
        // errors/errors.go JSONErrorValue writes the details after the code and the message.
        using var response = await PublishAsync("{}", "application/json", "/v1.0/publish/missing/orders");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", error.GetProperty("errorCode").GetString());
        Assert.Equal("pubsub missing is not found", error.GetProperty("message").GetString());
        var info = Assert.Single(error.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", info.GetProperty("@type").GetString());
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", info.GetProperty("reason").GetString());
        Assert.Equal("dapr.io", info.GetProperty("domain").GetString());
        Assert.Equal(JsonValueKind.Object, info.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task Publishing_without_a_topic_is_404_ERR_TOPIC_NAME_EMPTY_naming_the_pubsub()
    {
        // dapr/dapr pkg/api/errors/pubsub.go TopicEmpty and pkg/messages/errorcodes/errorcodes.go PubSubTopicNameEmpty
        // (ERR_TOPIC_NAME_EMPTY since 1.15): HTTP 404, a ResourceInfo naming the pubsub, the reason DAPR_PUBSUB_TOPIC_NAME_EMPTY.
        using var response = await PublishAsync("{}", "application/json", "/v1.0/publish/pubsub/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("ERR_TOPIC_NAME_EMPTY", error.GetProperty("errorCode").GetString());
        Assert.Equal("topic is empty in pubsub pubsub", error.GetProperty("message").GetString());
        var details = error.GetProperty("details").EnumerateArray().ToList();
        Assert.Equal("pubsub", details[0].GetProperty("resource_name").GetString());
        Assert.Equal("DAPR_PUBSUB_TOPIC_NAME_EMPTY", details[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_pubsub_scoped_to_other_apps_is_not_found_for_this_app()
    {
        _emulator.AddComponent("private", "pubsub.in-memory", scopes: ["someone-else"]);
        using var response = await PublishAsync("{}", "application/json", "/v1.0/publish/private/orders");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metadata_endpoint_reports_app_id_and_visible_components()
    {
        var json = await _http.GetStringAsync(new Uri(_sidecar.HttpEndpoint, "/v1.0/metadata"), TestContext.Current.CancellationToken);
        var metadata = JsonDocument.Parse(json).RootElement;
        Assert.Equal("publisher", metadata.GetProperty("id").GetString());
        Assert.Equal("pubsub.redis", metadata.GetProperty("components")[0].GetProperty("type").GetString());
    }
}
