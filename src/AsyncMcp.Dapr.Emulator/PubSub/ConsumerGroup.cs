using System.Text.Json;
using System.Threading.Channels;
using AsyncMcp.Dapr.Emulator.Diagnostics;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// The sidecars of one app-id subscribed to one topic: one queue, as an SQS queue per consumerID. Each message goes
/// to one live member (round robin), deliveries run concurrently (bounded per sidecar), retries stay with the member,
/// and a delivery cut short by a stopping sidecar goes back to the queue for another member (at-least-once).
/// The queue lives from the first subscription on, so messages wait while no member is live.
/// </summary>
internal sealed class ConsumerGroup
{
    private readonly DeliveryContext _context;
    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>();
    private readonly List<GroupMember> _members = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _membersChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    public ConsumerGroup(string pubSubName, string topic, string appId, DeliveryContext context, CancellationToken shutdown)
    {
        PubSubName = pubSubName;
        Topic = topic;
        AppId = appId;
        _context = context;
        Loop = Task.Run(() => RunAsync(shutdown), CancellationToken.None);
    }

    public string PubSubName { get; }

    public string Topic { get; }

    public string AppId { get; }

    /// <summary>The dispatch loop.</summary>
    public Task Loop { get; }

    /// <summary>Queues a message for this group.</summary>
    public void Enqueue(PublishedMessage message) => _queue.Writer.TryWrite(new Delivery(message));

    /// <summary>Adds a sidecar to the group.</summary>
    public void Add(GroupMember member)
    {
        lock (_gate)
        {
            _members.Add(member);
            var changed = _membersChanged;
            _membersChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }

    /// <summary>Removes a sidecar from the group.</summary>
    public void Remove(DaprSidecar sidecar)
    {
        lock (_gate)
        {
            _members.RemoveAll(m => ReferenceEquals(m.Sidecar, sidecar));
        }
    }

    /// <summary>Removes one member (a streaming subscription that ended).</summary>
    public void Remove(GroupMember member)
    {
        lock (_gate)
        {
            _members.Remove(member);
        }
    }

    private async Task RunAsync(CancellationToken shutdown)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(shutdown).ConfigureAwait(false))
            {
                while (true)
                {
                    var member = await NextMemberAsync(shutdown).ConfigureAwait(false);
                    try
                    {
                        await member.Sidecar.Slots.WaitAsync(member.Sidecar.StoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
                    {
                        continue;
                    }

                    member.Sidecar.Track(Task.Run(() => DeliverAsync(member, delivery), CancellationToken.None));
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _context.Logger.DispatchFailed(PubSubName, Topic, AppId, e);
        }
    }

    private async Task<GroupMember> NextMemberAsync(CancellationToken shutdown)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var live = _members.Where(m => m.IsLive).ToList();
                if (live.Count > 0)
                {
                    var member = live[_next % live.Count];
                    _next = (_next + 1) % 1_000_000;
                    return member;
                }

                changed = _membersChanged.Task;
            }

            await changed.WaitAsync(shutdown).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One delivery run on one sidecar, with daprd's handling (dapr/dapr pkg/runtime/subscription/subscription.go):
    /// an unreadable CloudEvent or an expired one is not delivered; a dropped message (DROP or 404) goes to the
    /// dead-letter topic when there is one; retries are bounded (the resiliency policy) and then dead-letter or discard.
    /// </summary>
    private async Task DeliverAsync(GroupMember member, Delivery delivery)
    {
        var sidecar = member.Sidecar;
        var message = delivery.Message;
        string? eventId = null;
        try
        {
            // A delivery handed over just as the sidecar stopped (or its stream ended) goes straight back to the queue.
            if (!member.IsLive)
            {
                throw new OperationCanceledException();
            }

            var body = message.Body;
            switch (RawPayload.IsRequested(member.Subscription.Metadata))
            {
                case null:
                    Fail(member, delivery, null, "error deserializing pubsub metadata");
                    return;
                case true:
                    body = JsonSerializer.SerializeToUtf8Bytes(RawPayload.Wrap(message, Topic, PubSubName));
                    break;
            }

            if (!CloudEventHead.TryRead(body.Span, out var head))
            {
                Fail(member, delivery, null, "error deserializing cloud event");
                return;
            }

            eventId = head.Id;
            if (head.HasExpired(_context.Time.GetUtcNow()))
            {
                Drop(member, delivery, eventId, "expired");
                return;
            }

            var traceParent = head.TraceParent ?? head.TraceId;
            var traceState = head.TraceState;
            var backoff = _context.Options.RetryBackoff;
            while (true)
            {
                var response = member.Stream is { } stream
                    ? await stream.DeliverAsync(body, sidecar.StoppingToken).ConfigureAwait(false)
                    : await sidecar.AppChannel!.DeliverAsync(member.Path, body, PubSubName, traceParent, traceState, sidecar.StoppingToken).ConfigureAwait(false);
                delivery.Attempts++;
                switch (response.Kind)
                {
                    case AppResponseKind.Success:
                        _context.Logger.DeliverySucceeded(AppId, PubSubName, Topic, eventId, delivery.Attempts);
                        Settle(delivery, eventId, DeliveryStatus.Success, null);
                        return;
                    case AppResponseKind.Drop:
                        Drop(member, delivery, eventId, response.Reason);
                        return;
                }

                if (delivery.Attempts >= _context.Options.MaxDeliveryAttempts)
                {
                    Fail(member, delivery, eventId, response.Reason);
                    return;
                }

                _context.Logger.DeliveryRetry(AppId, PubSubName, Topic, eventId, delivery.Attempts, response.Reason);
                await Task.Delay(backoff, _context.Time, sidecar.StoppingToken).ConfigureAwait(false);
                backoff *= 2;
            }
        }
        catch (OperationCanceledException) when (sidecar.StoppingToken.IsCancellationRequested || member.Stream is { IsClosed: true })
        {
            _context.Logger.DeliveryRequeued(AppId, PubSubName, Topic, eventId);
            _queue.Writer.TryWrite(delivery);
        }
        finally
        {
            sidecar.Slots.Release();
        }
    }

    private void Drop(GroupMember member, Delivery delivery, string? eventId, string reason)
    {
        _context.Logger.DeliveryDropped(AppId, PubSubName, Topic, eventId, delivery.Attempts, reason);
        if (!TryDeadLetter(member, delivery, eventId))
        {
            Settle(delivery, eventId, DeliveryStatus.Drop, null);
        }
    }

    private void Fail(GroupMember member, Delivery delivery, string? eventId, string reason)
    {
        if (!TryDeadLetter(member, delivery, eventId))
        {
            _context.Logger.DeliveryDiscarded(AppId, PubSubName, Topic, eventId, delivery.Attempts, reason);
            Settle(delivery, eventId, DeliveryStatus.Discarded, null);
        }
    }

    /// <summary>
    /// Publishes the message as it came from the broker (same bytes, content type and metadata, plus pubsubname)
    /// to the dead-letter topic on the same pubsub (dapr/dapr pkg/runtime/subscription/subscription.go sendToDeadLetter).
    /// </summary>
    private bool TryDeadLetter(GroupMember member, Delivery delivery, string? eventId)
    {
        var deadLetterTopic = member.Subscription.DeadLetterTopic;
        if (string.IsNullOrEmpty(deadLetterTopic))
        {
            return false;
        }

        var message = delivery.Message;
        var metadata = new Dictionary<string, string>(message.Metadata, StringComparer.Ordinal) { ["pubsubName"] = PubSubName };
        _context.Publish(new PublishedMessage(PubSubName, deadLetterTopic, message.Body, message.ContentType, metadata));
        _context.Logger.DeliveryDeadLettered(AppId, PubSubName, Topic, eventId, deadLetterTopic, delivery.Attempts);
        Settle(delivery, eventId, DeliveryStatus.DeadLettered, deadLetterTopic);
        return true;
    }

    private void Settle(Delivery delivery, string? eventId, DeliveryStatus status, string? deadLetterTopic) =>
        _context.Settled(new DeliveryOutcome(PubSubName, Topic, AppId, eventId, delivery.Attempts, status, deadLetterTopic));
}
