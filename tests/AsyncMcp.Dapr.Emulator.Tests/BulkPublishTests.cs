using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// daprd's gRPC bulk publish (dapr/dapr pkg/api/grpc/grpc.go bulkPublishEvent, for BulkPublishEvent and
/// BulkPublishEventAlpha1): each entry's bytes as they came, each its own CloudEvent with its own child span of the
/// call; a component without a bulk API of its own publishes them one by one (pkg/runtime/pubsub/default_bulkpub.go).
/// </summary>
public sealed class BulkPublishTests : IAsyncLifetime
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private readonly DaprEmulator _emulator = new();
    private DaprSidecar _sidecar = null!;
    private GrpcChannel _channel = null!;
    private global::Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.in-memory");
        _sidecar = await _emulator.StartSidecarAsync("publisher");
        _channel = GrpcChannel.ForAddress(_sidecar.GrpcEndpoint);
        _client = new global::Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(_channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _emulator.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_entry_is_published_in_order_as_its_own_CloudEvent_with_its_bytes_as_they_came(bool alpha)
    {
        var request = Request(
            Entry("1", "{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"source\":\"me\",\"type\":\"t\",\"data\":{\"n\":12345678901234567890}}", "application/cloudevents+json"),
            Entry("2", "{\"n\":12345678901234567890}", "application/json"),
            Entry("3", "hello", "text/plain"));

        var response = await CallAsync(request, alpha);

        Assert.Empty(response.FailedEntries);
        var events = _emulator.Published("pubsub", "orders").Select(m => JsonDocument.Parse(m.Body).RootElement).ToList();
        Assert.Equal(3, events.Count);
        Assert.Equal("ce-1", events[0].GetProperty("id").GetString()); // an app's CloudEvent keeps its id
        Assert.Equal("12345678901234567890", events[0].GetProperty("data").GetProperty("n").GetRawText());
        Assert.Equal("publisher", events[1].GetProperty("source").GetString()); // raw JSON wrapped by the sidecar
        Assert.Equal("12345678901234567890", events[1].GetProperty("data").GetProperty("n").GetRawText());
        Assert.Equal("hello", events[2].GetProperty("data").GetString());

        // pkg/api/grpc/grpc.go: a child span of the call per entry (StartGRPCProducerSpanChildFromParent).
        var spans = events.Select(e => e.GetProperty("traceparent").GetString()!).ToList();
        Assert.All(spans, s => Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", s, StringComparison.Ordinal));
        Assert.Equal(3, spans.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task The_calls_metadata_reaches_only_the_entries_with_metadata_of_their_own()
    {
        // pkg/api/grpc/grpc.go sets an entry's metadata only when it has some (utils.PopulateMetadataForBulkPublishEntry,
        // entry keys first); ttlInSeconds becomes the CloudEvent's expiration (components-contrib pubsub ApplyMetadata).
        var request = Request(Entry("plain", "{}", "application/json"), Entry("tagged", "{}", "application/json"));
        request.Metadata["ttlInSeconds"] = "60";
        request.Entries[1].Metadata["tag"] = "x";

        await CallAsync(request, alpha: false);

        var published = _emulator.Published("pubsub", "orders");
        Assert.False(JsonDocument.Parse(published[0].Body).RootElement.TryGetProperty("expiration", out _));
        Assert.True(JsonDocument.Parse(published[1].Body).RootElement.TryGetProperty("expiration", out _));
        Assert.Equal("x", published[1].Metadata["tag"]);
        Assert.Equal("60", published[1].Metadata["ttlInSeconds"]);
    }

    [Theory]
    [InlineData("", "b")]
    [InlineData("a", "a")]
    public async Task An_entry_without_an_id_or_with_another_entrys_refuses_the_whole_call(string first, string second)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            CallAsync(Request(Entry(first, "{}", "application/json"), Entry(second, "{}", "application/json")), alpha: false));

        // pkg/api/errors/pubsub.go MarshalEvents: InvalidArgument, ERR_PUBSUB_EVENTS_SER.
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("entryId is duplicated or not present for entry", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_emulator.Published("pubsub", "orders"));
    }

    [Fact]
    public async Task A_bulk_publish_to_an_unknown_pubsub_is_refused_as_a_single_publish_is()
    {
        var request = Request(Entry("1", "{}", "application/json"));
        request.PubsubName = "missing";

        var refused = await Assert.ThrowsAsync<RpcException>(() => CallAsync(request, alpha: false));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode); // pkg/api/errors/pubsub.go NotFound: gRPC InvalidArgument
        Assert.Equal("pubsub missing is not found", refused.Status.Detail);

        // dapr/kit errors/errors.go GRPCStatus: the details ride in the status; pkg/api/grpc/grpc.go builds NotFound with no
        // metadata (WithMetadata(nil)), and NotFound adds no ResourceInfo.
        var status = Google.Rpc.Status.Parser.ParseFrom(refused.Trailers.GetValueBytes("grpc-status-details-bin"));
        var info = Assert.Single(status.Details).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", info.Reason);
        Assert.Equal("dapr.io", info.Domain);
        Assert.Empty(info.Metadata);
    }

    private async Task<BulkPublishResponse> CallAsync(BulkPublishRequest request, bool alpha)
    {
        var headers = new Metadata { { "traceparent", TraceParent } };
#pragma warning disable CS0612 // the alpha method is what sidecars before the stable one serve
        return alpha
            ? await _client.BulkPublishEventAlpha1Async(request, headers, cancellationToken: TestContext.Current.CancellationToken)
            : await _client.BulkPublishEventAsync(request, headers, cancellationToken: TestContext.Current.CancellationToken);
#pragma warning restore CS0612
    }

    private static BulkPublishRequest Request(params BulkPublishRequestEntry[] entries)
    {
        var request = new BulkPublishRequest { PubsubName = "pubsub", Topic = "orders" };
        request.Entries.AddRange(entries);
        return request;
    }

    private static BulkPublishRequestEntry Entry(string id, string body, string contentType) =>
        new() { EntryId = id, Event = ByteString.CopyFrom(Encoding.UTF8.GetBytes(body)), ContentType = contentType };
}
