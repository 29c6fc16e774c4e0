using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Proxy.Front;

// The SDK marks its stateful-HTTP resumability types obsolete (they belong to 2025-11-25 sessions); the proxy's front
// serves exactly those sessions, whose clients resume streams with Last-Event-ID.
#pragma warning disable MCP9006

/// <summary>
/// The events of one front session's SSE streams (each POST's response stream and the GET stream), kept so that a
/// client whose connection dropped can resume with <c>Last-Event-ID</c> and miss nothing. Bounded: at most
/// <c>maxEvents</c> events and <c>maxBytes</c> bytes of messages per session, the oldest dropped first; a stream whose
/// next event was dropped cannot be resumed. Event ids are <c>{stream}-{sequence}</c>, meaningful only in this session.
/// </summary>
internal sealed class SessionEventStore(string sessionId, int maxEvents, long maxBytes, TimeSpan retryInterval) : ISseEventStreamStore
{
    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType = (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly Lock _gate = new();
    private readonly Dictionary<long, EventStream> _streams = [];
    private readonly Queue<StoredEvent> _events = new();
    private long _bytes;
    private long _streamCount;

    /// <summary>Events kept now, for tests and the bounds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Bytes of messages kept now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public ValueTask<ISseEventStreamWriter> CreateStreamAsync(SseEventStreamOptions options, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var stream = new EventStream(++_streamCount, options.Mode);
            _streams[stream.Number] = stream;
            return ValueTask.FromResult<ISseEventStreamWriter>(new Writer(this, stream));
        }
    }

    public ValueTask<ISseEventStreamReader?> GetStreamReaderAsync(string lastEventId, CancellationToken cancellationToken = default)
    {
        if (!TryParse(lastEventId, out var number, out var sequence))
        {
            return ValueTask.FromResult<ISseEventStreamReader?>(null);
        }

        lock (_gate)
        {
            // Unknown, ahead of the stream, or events after it already dropped: nothing trustworthy to replay.
            if (!_streams.TryGetValue(number, out var stream) || sequence > stream.LastSequence || sequence + 1 < stream.FirstKept)
            {
                return ValueTask.FromResult<ISseEventStreamReader?>(null);
            }

            return ValueTask.FromResult<ISseEventStreamReader?>(new Reader(this, stream, sessionId, sequence + 1));
        }
    }

    private static bool TryParse(string eventId, out long stream, out long sequence)
    {
        stream = sequence = 0;
        var dash = eventId.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 &&
            long.TryParse(eventId.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out stream) &&
            long.TryParse(eventId.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private SseItem<JsonRpcMessage?> Append(EventStream stream, SseItem<JsonRpcMessage?> item)
    {
        // The priming event (no data) tells the client how soon to reconnect.
        if (item.Data is null && item.ReconnectionInterval is null)
        {
            item = item with { ReconnectionInterval = retryInterval };
        }

        var data = item.Data is null ? null : JsonSerializer.SerializeToUtf8Bytes(item.Data, MessageType);
        TaskCompletionSource changed;
        lock (_gate)
        {
            var sequence = ++stream.LastSequence;
            item = item with { EventId = string.Create(CultureInfo.InvariantCulture, $"{stream.Number}-{sequence}") };
            var stored = new StoredEvent(stream, sequence, item.EventType, item.EventId, item.ReconnectionInterval, data);
            stream.Events.Enqueue(stored);
            _events.Enqueue(stored);
            _bytes += stored.Size;
            while (_events.Count > maxEvents || (_bytes > maxBytes && _events.Count > 1))
            {
                Evict();
            }

            changed = stream.Swap();
        }

        changed.TrySetResult();
        return item;
    }

    private void Evict()
    {
        var oldest = _events.Dequeue();
        _bytes -= oldest.Size;
        var stream = oldest.Stream;
        stream.Events.Dequeue();
        stream.FirstKept = oldest.Sequence + 1;
        if (stream.Completed && stream.Events.Count == 0)
        {
            _streams.Remove(stream.Number);
        }
    }

    private void Change(EventStream stream, Action<EventStream> change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change(stream);
            changed = stream.Swap();
        }

        changed.TrySetResult();
    }

    private sealed class EventStream(long number, SseEventStreamMode mode)
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Number { get; } = number;

        public SseEventStreamMode Mode { get; set; } = mode;

        public bool Completed { get; set; }

        public long LastSequence { get; set; }

        public long FirstKept { get; set; } = 1;

        public Queue<StoredEvent> Events { get; } = new();

        /// <summary>Completes when the stream next changes (under the store's lock).</summary>
        public Task Changed => _changed.Task;

        public TaskCompletionSource Swap()
        {
            var previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return previous;
        }
    }

    private sealed record StoredEvent(EventStream Stream, long Sequence, string? EventType, string EventId, TimeSpan? Retry, byte[]? Data)
    {
        public long Size => (Data?.Length ?? 0) + 64;
    }

    private sealed class Writer(SessionEventStore store, EventStream stream) : ISseEventStreamWriter
    {
        public ValueTask SetModeAsync(SseEventStreamMode mode, CancellationToken cancellationToken = default)
        {
            store.Change(stream, s => s.Mode = mode);
            return ValueTask.CompletedTask;
        }

        public ValueTask<SseItem<JsonRpcMessage?>> WriteEventAsync(SseItem<JsonRpcMessage?> sseItem, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(sseItem.EventId is null ? store.Append(stream, sseItem) : sseItem);

        public ValueTask DisposeAsync()
        {
            store.Change(stream, s => s.Completed = true);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Reader(SessionEventStore store, EventStream stream, string sessionId, long next) : ISseEventStreamReader
    {
        public string SessionId { get; } = sessionId;

        public string StreamId { get; } = stream.Number.ToString(CultureInfo.InvariantCulture);

        public async IAsyncEnumerable<SseItem<JsonRpcMessage?>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            while (true)
            {
                StoredEvent[] batch;
                Task changed;
                bool ended;
                lock (store._gate)
                {
                    if (next < stream.FirstKept)
                    {
                        // The store dropped events this reader had not sent yet: stop rather than skip them silently.
                        throw new McpException($"Events of stream {stream.Number} were dropped before they could be replayed.");
                    }

                    batch = [.. stream.Events.Where(e => e.Sequence >= next)];
                    changed = stream.Changed;
                    ended = stream.Completed || stream.Mode == SseEventStreamMode.Polling;
                }

                foreach (var stored in batch)
                {
                    next = stored.Sequence + 1;
                    var data = stored.Data is null ? null : JsonSerializer.Deserialize(stored.Data, MessageType);
                    yield return new SseItem<JsonRpcMessage?>(data, stored.EventType) { EventId = stored.EventId, ReconnectionInterval = stored.Retry };
                }

                if (ended && batch.Length == 0)
                {
                    yield break;
                }

                if (batch.Length == 0)
                {
                    await changed.WaitAsync(cancellationToken);
                }
            }
        }
    }
}
