using AsyncMcp.Dapr.Emulator.Components;
using AsyncMcp.Dapr.Emulator.Diagnostics;
using AsyncMcp.Dapr.Emulator.PubSub;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// gRPC <c>SubscribeTopicEventsAlpha1</c> as daprd serves it (dapr/dapr pkg/api/grpc/subscribe.go,
/// pkg/runtime/pubsub/streamer/streamer.go): the first message names the pubsub and topic, the sidecar joins its app's
/// consumer group for the topic and answers with an initial response, messages go down the stream, and the app's
/// EventProcessed answers come up it, until the app closes the stream.
/// </summary>
internal static class StreamSubscriptionCall
{
    public static async Task RunAsync(
        SidecarApi api,
        DaprSidecar sidecar,
        IAsyncStreamReader<SubscribeTopicEventsRequestAlpha1> requests,
        IServerStreamWriter<SubscribeTopicEventsResponseAlpha1> responses,
        ServerCallContext context)
    {
        if (!await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // daprd returns plain errors here, which gRPC sends as Unknown.
        var initial = requests.Current.InitialRequest ?? throw Refused("initial request is required");
        if (initial.PubsubName.Length == 0)
        {
            throw Refused("pubsubName is required");
        }

        if (initial.Topic.Length == 0)
        {
            throw Refused("topic is required");
        }

        if (!api.Components.Any(c => c.IsPubSub && c.Name == initial.PubsubName))
        {
            // Subscriber.StartStreamerSubscription: apierrors.PubSub(name).WithMetadata(nil).NotFound().
            throw DaprErrors.PubSubNotFound(initial.PubsubName, new Dictionary<string, string>()).ToRpcException();
        }

        var deadLetterTopic = initial.HasDeadLetterTopic && initial.DeadLetterTopic.Length > 0 ? initial.DeadLetterTopic : null;
        var subscription = new SubscriptionSpec(initial.PubsubName, initial.Topic, [], "/", deadLetterTopic,
            new Dictionary<string, string>(initial.Metadata, StringComparer.Ordinal), [], "SubscribeTopicEventsAlpha1");
        var stream = new StreamSubscriber(initial.PubsubName, initial.Topic);
        var member = new GroupMember(sidecar, subscription, "/", stream);
        var logger = api.Emulator.Logger;

        // daprd subscribes before it answers (subscribe.go: StartStreamerSubscription, then the initial response), so
        // a message published once the app has its answer is the stream's. The answer is queued first, so it is
        // also the first thing the stream carries, and the writer starts only once the stream has joined.
        stream.Opened();
        api.Emulator.Broker.Join(member);
        logger.StreamSubscribed(api.AppId, initial.PubsubName, initial.Topic, deadLetterTopic);
        var writer = WriteAsync(stream, responses, context.CancellationToken);
        try
        {
            while (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                // streamer.go recvLoop: a second initial request ends the stream.
                var processed = requests.Current.EventProcessed ?? throw Refused("duplicate initial request received");
                if (!stream.Processed(processed))
                {
                    logger.StreamAnswerUnexpected(api.AppId, initial.Topic, processed.Id);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The app went away.
        }
        finally
        {
            api.Emulator.Broker.Leave(member);
            stream.Close();
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            logger.StreamUnsubscribed(api.AppId, initial.PubsubName, initial.Topic);
        }
    }

    // One writer: gRPC allows one write at a time on a stream (streamer.go holds streamLock for each Send).
    private static async Task WriteAsync(StreamSubscriber stream, IServerStreamWriter<SubscribeTopicEventsResponseAlpha1> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in stream.Outgoing.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await responses.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // A send that fails ends the subscription for every message waiting on it (they go back to the queue).
            stream.Close();
        }
    }

    private static RpcException Refused(string message) => new(new Status(StatusCode.Unknown, message));
}
