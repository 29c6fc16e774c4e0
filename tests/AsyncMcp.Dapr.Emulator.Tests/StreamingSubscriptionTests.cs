using System.Text;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Grpc.Net.Client;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;
using EventStatus = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;
using StreamCall = Grpc.Core.AsyncDuplexStreamingCall<Dapr.Client.Autogen.Grpc.v1.SubscribeTopicEventsRequestAlpha1, Dapr.Client.Autogen.Grpc.v1.SubscribeTopicEventsResponseAlpha1>;

namespace AsyncMcp.Dapr.Emulator.Tests;

/// <summary>
/// Streaming subscriptions (gRPC <c>SubscribeTopicEventsAlpha1</c>) through the generated Dapr client, as daprd serves
/// them: dapr/dapr pkg/api/grpc/subscribe.go (the opening request and its checks), pkg/runtime/pubsub/streamer/streamer.go
/// (one message down the stream, its answer up it by id), pkg/runtime/pubsub/subscriptions.go
/// GRPCEnvelopeFromSubscriptionMessage (the envelope), pkg/runtime/subscription/postman/streaming/streaming.go Deliver
/// (what the answer's status means).
/// </summary>
public sealed class StreamingSubscriptionTests : IAsyncLifetime
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private readonly DaprEmulator _emulator = new(new DaprEmulatorOptions { MaxDeliveryAttempts = 3, RetryBackoff = TimeSpan.FromMilliseconds(5) });
    private readonly Settled _settled;
    private GrpcChannel _channel = null!;
    private DaprGrpc.DaprClient _client = null!;

    public StreamingSubscriptionTests() => _settled = new Settled(_emulator);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _emulator.AddComponent("pubsub", "pubsub.aws.snssqs");
        var sidecar = await _emulator.StartSidecarAsync("consumer");
        _channel = GrpcChannel.ForAddress(sidecar.GrpcEndpoint);
        _client = new DaprGrpc.DaprClient(_channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_message_comes_down_the_stream_in_daprds_envelope_and_SUCCESS_settles_it()
    {
        using var call = await SubscribeAsync("orders");
        await InjectAsync("orders", $$$"""
            {"specversion":"1.0","id":"e-1","source":"orders-app","type":"com.example.order","datacontenttype":"application/json",
             "data":{"b":2,"a":{"d":[1,"x"],"c":true}},"topic":"orders","pubsubname":"pubsub","traceparent":"{{{TraceParent}}}","mcpx":"ext","n":7}
            """);

        var message = await NextEventAsync(call);
        Assert.Equal(("e-1", "orders-app", "com.example.order", "1.0", "application/json"), (message.Id, message.Source, message.Type, message.SpecVersion, message.DataContentType));
        Assert.Equal(("orders", "pubsub", "/"), (message.Topic, message.PubsubName, message.Path));
        // json.Marshal of the decoded data: compact, keys in order at every level.
        Assert.Equal("""{"a":{"c":true,"d":[1,"x"]},"b":2}""", message.Data.ToStringUtf8());
        // Every attribute without a field of its own is an extension; those with one are not repeated.
        Assert.Equal(["mcpx", "n", "pubsubname", "topic", "traceparent"], message.Extensions.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TraceParent, message.Extensions.Fields["traceparent"].StringValue);
        Assert.Equal(7, message.Extensions.Fields["n"].NumberValue);

        await AnswerAsync(call, "e-1", EventStatus.Success);
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal((DeliveryStatus.Success, "e-1", 1), (outcome.Status, outcome.CloudEventId, outcome.Attempts));
    }

    [Theory]
    [InlineData("text/plain", "\"data\":\"hello\"", "hello")]
    [InlineData("application/xml", "\"data\":\"<a/>\"", "<a/>")]
    [InlineData("application/octet-stream", "\"data_base64\":\"AQID\"", "\u0001\u0002\u0003")]
    [InlineData("application/octet-stream", "\"data\":\"not sent\"", "")]
    public async Task The_data_is_sent_as_bytes_by_its_content_type(string contentType, string data, string expected)
    {
        using var call = await SubscribeAsync("orders");
        await InjectAsync("orders", $$"""{"specversion":"1.0","id":"e-2","source":"s","type":"t","datacontenttype":"{{contentType}}",{{data}}}""");

        Assert.Equal(Encoding.UTF8.GetBytes(expected), (await NextEventAsync(call)).Data.ToByteArray());
    }

    [Theory]
    [InlineData("application/octet-stream", "\"data_base64\":5")]
    [InlineData("application/octet-stream", "\"data_base64\":\"not base64!\"")]
    [InlineData("text/plain", "\"data\":{\"not\":\"a string\"}")]
    public async Task Data_daprd_cannot_put_in_the_envelope_is_retried_and_never_sent(string contentType, string data)
    {
        using var call = await SubscribeAsync("orders", deadLetterTopic: "poison");
        await InjectAsync("orders", $$"""{"specversion":"1.0","id":"e-5","source":"s","type":"t","datacontenttype":"{{contentType}}",{{data}}}""");

        // A retriable error each time (GRPCEnvelopeFromSubscriptionMessage), until the attempts run out.
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal((DeliveryStatus.DeadLettered, 3), (outcome.Status, outcome.Attempts));
        await call.RequestStream.CompleteAsync();
        Assert.False(await ReadAsync(call));
    }

    [Fact]
    public async Task RETRY_sends_the_message_again_and_DROP_dead_letters_it()
    {
        using var call = await SubscribeAsync("orders", deadLetterTopic: "poison");
        await InjectAsync("orders", """{"specversion":"1.0","id":"e-3","source":"s","type":"t","datacontenttype":"application/json","data":1}""");

        await AnswerAsync(call, (await NextEventAsync(call)).Id, EventStatus.Retry);
        var again = await NextEventAsync(call);
        Assert.Equal("e-3", again.Id);
        await AnswerAsync(call, again.Id, EventStatus.Drop);

        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal((DeliveryStatus.DeadLettered, 2, "poison"), (outcome.Status, outcome.Attempts, outcome.DeadLetterTopic));
        Assert.Contains("\"e-3\"", Encoding.UTF8.GetString(Assert.Single(_emulator.Published("pubsub", "poison")).Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_left_unanswered_by_a_stream_that_ends_goes_to_another_stream_of_the_app()
    {
        var first = await SubscribeAsync("orders");
        await InjectAsync("orders", """{"specversion":"1.0","id":"e-4","source":"s","type":"t","datacontenttype":"application/json","data":1}""");
        Assert.Equal("e-4", (await NextEventAsync(first)).Id);
        using var second = await SubscribeAsync("orders");

        await first.RequestStream.CompleteAsync();
        first.Dispose();

        // The same message, not counted as an attempt: the one cut short never completed.
        Assert.Equal("e-4", (await NextEventAsync(second)).Id);
        await AnswerAsync(second, "e-4", EventStatus.Success);
        var outcome = Assert.Single(await _settled.WaitForAsync(1));
        Assert.Equal((DeliveryStatus.Success, 1), (outcome.Status, outcome.Attempts));
    }

    [Theory]
    [InlineData(null, "orders", StatusCode.Unknown, "initial request is required")]
    [InlineData("", "orders", StatusCode.Unknown, "pubsubName is required")]
    [InlineData("pubsub", "", StatusCode.Unknown, "topic is required")]
    [InlineData("nope", "orders", StatusCode.InvalidArgument, "pubsub nope is not found")]
    public async Task An_opening_request_daprd_refuses_ends_the_stream_with_its_error(string? pubSubName, string topic, StatusCode code, string message)
    {
        using var call = _client.SubscribeTopicEventsAlpha1(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(pubSubName is null
            ? new SubscribeTopicEventsRequestAlpha1 { EventProcessed = new SubscribeTopicEventsRequestProcessedAlpha1 { Id = "x" } }
            : new SubscribeTopicEventsRequestAlpha1 { InitialRequest = new SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = pubSubName, Topic = topic } }, Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Ct));
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    private async Task<StreamCall> SubscribeAsync(string topic, string? deadLetterTopic = null)
    {
        var call = _client.SubscribeTopicEventsAlpha1(cancellationToken: Ct);
        var initial = new SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "pubsub", Topic = topic };
        if (deadLetterTopic is not null)
        {
            initial.DeadLetterTopic = deadLetterTopic;
        }

        await call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1 { InitialRequest = initial }, Ct);
        Assert.True(await ReadAsync(call));
        Assert.NotNull(call.ResponseStream.Current.InitialResponse);
        return call;
    }

    private Task InjectAsync(string topic, string cloudEvent) =>
        _emulator.InjectAsync("pubsub", topic, Encoding.UTF8.GetBytes(cloudEvent), ct: Ct);

    private static async Task<TopicEventRequest> NextEventAsync(StreamCall call)
    {
        Assert.True(await ReadAsync(call));
        return Assert.IsType<TopicEventRequest>(call.ResponseStream.Current.EventMessage);
    }

    // The next message on the stream, within 10 s: a message the sidecar lost fails the test instead of hanging it.
    private static async Task<bool> ReadAsync(StreamCall call)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        return await call.ResponseStream.MoveNext(deadline.Token);
    }

    private static Task AnswerAsync(StreamCall call, string id, EventStatus status) =>
        call.RequestStream.WriteAsync(new SubscribeTopicEventsRequestAlpha1
        {
            EventProcessed = new SubscribeTopicEventsRequestProcessedAlpha1 { Id = id, Status = new TopicEventResponse { Status = status } },
        }, Ct);
}
