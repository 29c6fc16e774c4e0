namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// The publishes of one app to one pub/sub topic: each goes out at once while fewer than <c>maxCalls</c> calls to the
/// sidecar are under way for the topic; beyond that it waits, and the publishes that waited go out together as one bulk
/// publish when a call ends (group commit). A quiet topic publishes as it would without this; a busy one makes one
/// sidecar call per batch instead of one per message.
/// </summary>
internal sealed class TopicPublishQueue(McpEventPublisher publisher, string pubSubName, string topic, int maxCalls, int maxMessages, int maxBytes)
{
    private readonly Lock _gate = new();
    private readonly Queue<QueuedPublish> _waiting = new();
    private int _calls;

    /// <summary>True when no call to the sidecar is under way for the topic (so nothing waits either).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _calls == 0;
            }
        }
    }

    /// <summary>Publishes <paramref name="cloudEvent"/>, at once or with others when the sidecar calls catch up.</summary>
    public Task PublishAsync(ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        QueuedPublish? queued = null;
        lock (_gate)
        {
            if (_calls < maxCalls)
            {
                _calls++;
            }
            else
            {
                queued = new QueuedPublish(cloudEvent, cancellationToken);
                _waiting.Enqueue(queued);
            }
        }

        return queued is null ? SendAloneAsync(cloudEvent, cancellationToken) : queued.Completion;
    }

    private async Task SendAloneAsync(ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishOneAsync(pubSubName, topic, cloudEvent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SendNext();
        }
    }

    /// <summary>At the end of a call: sends what waited as the next call, or counts the call as ended.</summary>
    private void SendNext()
    {
        List<QueuedPublish> batch = [];
        lock (_gate)
        {
            var bytes = 0;
            while (_waiting.TryPeek(out var next) && batch.Count < maxMessages)
            {
                if (next.Completion.IsCompleted)
                {
                    _waiting.Dequeue(); // its caller gave up before it went out
                    continue;
                }

                if (batch.Count > 0 && bytes + next.CloudEvent.Length > maxBytes)
                {
                    break;
                }

                bytes += next.CloudEvent.Length;
                batch.Add(_waiting.Dequeue());
            }

            if (batch.Count == 0)
            {
                _calls--;
                return;
            }
        }

        _ = SendBatchAsync(batch);
    }

    private async Task SendBatchAsync(List<QueuedPublish> batch)
    {
        try
        {
            await publisher.PublishBatchAsync(pubSubName, topic, batch).ConfigureAwait(false);
        }
        finally
        {
            SendNext();
        }
    }
}

/// <summary>A publish waiting for its turn; completed when its batch's outcome for it is known.</summary>
internal sealed class QueuedPublish
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _registration;

    public QueuedPublish(ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        CloudEvent = cloudEvent;
        CancellationToken = cancellationToken;
        _registration = cancellationToken.Register(static state => ((QueuedPublish)state!).Canceled(), this);
    }

    /// <summary>The encoded CloudEvent.</summary>
    public ReadOnlyMemory<byte> CloudEvent { get; }

    /// <summary>The caller's token: once every caller of a batch has given up, the batch's call is cancelled.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Completes when the message is published, fails with the sidecar's refusal, or is cancelled by its caller.</summary>
    public Task Completion => _completion.Task;

    public void Published()
    {
        _registration.Dispose();
        _completion.TrySetResult();
    }

    public void Failed(Exception exception)
    {
        _registration.Dispose();
        _completion.TrySetException(exception);
    }

    private void Canceled() => _completion.TrySetCanceled(CancellationToken);
}
