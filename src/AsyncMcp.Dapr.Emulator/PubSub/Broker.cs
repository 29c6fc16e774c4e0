namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// The in-memory broker behind every emulated pub/sub component: a log of every message per topic, and the
/// consumer groups (one per pubsub, topic and app-id) each message is copied to (fan-out across app-ids).
/// </summary>
internal sealed class Broker(DeliveryContext context) : IAsyncDisposable
{
    private readonly Dictionary<(string PubSub, string Topic), List<PublishedMessage>> _log = [];
    private readonly Dictionary<(string PubSub, string Topic, string AppId), ConsumerGroup> _groups = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();

    /// <summary>Puts a message on a topic: logged, and queued for every consumer group of the topic.</summary>
    public void Publish(PublishedMessage message)
    {
        lock (_gate)
        {
            var key = (message.PubSubName, message.Topic);
            if (context.Options.RecordPublished)
            {
                if (!_log.TryGetValue(key, out var list))
                {
                    _log[key] = list = [];
                }

                list.Add(message);
            }

            foreach (var group in _groups.Values)
            {
                if (group.PubSubName == message.PubSubName && group.Topic == message.Topic)
                {
                    group.Enqueue(message);
                }
            }
        }
    }

    /// <summary>Every message published to a topic, in order.</summary>
    public IReadOnlyList<PublishedMessage> Published(string pubSubName, string topic)
    {
        lock (_gate)
        {
            return _log.TryGetValue((pubSubName, topic), out var list) ? list.ToArray() : [];
        }
    }

    /// <summary>Adds a sidecar to the consumer group of its app-id for the subscription's topic.</summary>
    public void Join(GroupMember member)
    {
        lock (_gate)
        {
            var key = (member.Subscription.PubSubName, member.Subscription.Topic, member.Sidecar.AppId);
            if (!_groups.TryGetValue(key, out var group))
            {
                _groups[key] = group = new ConsumerGroup(key.PubSubName, key.Topic, key.AppId, context, _shutdown.Token);
            }

            group.Add(member);
        }
    }

    /// <summary>Takes one member out of its consumer group.</summary>
    public void Leave(GroupMember member)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue((member.Subscription.PubSubName, member.Subscription.Topic, member.Sidecar.AppId), out var group))
            {
                group.Remove(member);
            }
        }
    }

    /// <summary>Takes a sidecar out of every consumer group.</summary>
    public void Leave(DaprSidecar sidecar)
    {
        lock (_gate)
        {
            foreach (var group in _groups.Values)
            {
                group.Remove(sidecar);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_gate)
        {
            loops = _groups.Values.Select(g => g.Loop).ToArray();
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        _shutdown.Dispose();
    }
}
