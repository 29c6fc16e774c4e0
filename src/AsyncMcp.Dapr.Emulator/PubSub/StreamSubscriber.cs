using System.Collections.Concurrent;
using System.Threading.Channels;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using TopicEventStatus = Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// One open streaming subscription (SubscribeTopicEventsAlpha1) as a delivery target, as daprd's streamer serves it
/// (dapr/dapr pkg/runtime/pubsub/streamer/streamer.go Publish, conn.go): each message goes down the stream as a
/// <see cref="TopicEventRequest"/> and waits for the app's EventProcessed answer with its id; the answer's status means
/// what it means for a gRPC app (pkg/runtime/subscription/postman/streaming/streaming.go Deliver).
/// </summary>
internal sealed class StreamSubscriber(string pubSubName, string topic)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TopicEventStatus>> _waiting = new(StringComparer.Ordinal);
    private readonly Channel<SubscribeTopicEventsResponseAlpha1> _outgoing = Channel.CreateUnbounded<SubscribeTopicEventsResponseAlpha1>(new() { SingleReader = true });
    private volatile bool _closed;

    /// <summary>What goes down the stream, in order; one writer sends it.</summary>
    public ChannelReader<SubscribeTopicEventsResponseAlpha1> Outgoing => _outgoing.Reader;

    /// <summary>Whether the stream has ended: no message goes to it any more.</summary>
    public bool IsClosed => _closed;

    /// <summary>Queues the initial response, ahead of any message.</summary>
    public void Opened() =>
        _outgoing.Writer.TryWrite(new SubscribeTopicEventsResponseAlpha1 { InitialResponse = new SubscribeTopicEventsResponseInitialAlpha1() });

    /// <summary>
    /// Sends one message down the stream and waits for the app's answer. A stream that ends first, or a sidecar that
    /// stops, cancels the wait (<see cref="OperationCanceledException"/>): the message goes back to its queue.
    /// </summary>
    public async Task<AppResponse> DeliverAsync(ReadOnlyMemory<byte> cloudEvent, CancellationToken sidecarStopping)
    {
        TopicEventRequest envelope;
        try
        {
            envelope = TopicEventEnvelope.FromCloudEvent(cloudEvent.Span, pubSubName, topic);
        }
        catch (FormatException e)
        {
            // daprd returns these as retriable errors (pkg/runtime/pubsub/subscriptions.go GRPCEnvelopeFromSubscriptionMessage).
            return new AppResponse(AppResponseKind.Retry, e.Message);
        }

        var answer = new TaskCompletionSource<TopicEventStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[envelope.Id] = answer;
        try
        {
            // A stream that ended before this message was registered cancels it here; one that ends later, in Close.
            if (_closed || !_outgoing.Writer.TryWrite(new SubscribeTopicEventsResponseAlpha1 { EventMessage = envelope }))
            {
                answer.TrySetCanceled(CancellationToken.None);
            }

            return await answer.Task.WaitAsync(sidecarStopping).ConfigureAwait(false) switch
            {
                TopicEventStatus.Success => new AppResponse(AppResponseKind.Success, "SUCCESS"),
                TopicEventStatus.Drop => new AppResponse(AppResponseKind.Drop, "DROP status returned from app"),
                TopicEventStatus.Retry => new AppResponse(AppResponseKind.Retry, "RETRY status returned from app"),
                var other => new AppResponse(AppResponseKind.Retry, $"unknown status returned from app: {other}"),
            };
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource<TopicEventStatus>>(envelope.Id, answer));
        }
    }

    /// <summary>The app's answer for one message; <see langword="false"/> when no message with that id is waiting.</summary>
    public bool Processed(SubscribeTopicEventsRequestProcessedAlpha1 processed) =>
        _waiting.TryGetValue(processed.Id, out var answer) && answer.TrySetResult(processed.Status?.Status ?? TopicEventStatus.Success);

    /// <summary>Ends the stream: messages waiting for an answer go back to their queue.</summary>
    public void Close()
    {
        _closed = true;
        _outgoing.Writer.TryComplete();
        foreach (var answer in _waiting.Values)
        {
            answer.TrySetCanceled();
        }
    }
}
