using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Publishes envelopes as structured CloudEvents through the Dapr sidecar's HTTP publish API
/// (<c>POST /v1.0/publish/{pubsub}/{topic}</c>), at the endpoint and with the API token the Dapr .NET SDK reads
/// (<c>DAPR_HTTP_ENDPOINT</c> or <c>DAPR_HTTP_PORT</c>, <c>DAPR_API_TOKEN</c>). Publishes to one topic that wait for the
/// calls under way go out together through the bulk publish API (<see cref="McpPublishOptions"/>, <see cref="TopicPublishQueue"/>,
/// <see cref="SidecarBulkPublisher"/>).
/// </summary>
/// <remarks>
/// HTTP rather than <c>DaprClient</c>'s gRPC call: every request and every answer is a publish, and the SDK's gRPC publish
/// builds its User-Agent by reflection on each call and allocates about 7 KB more per publish (docs/benchmarks.md).
/// </remarks>
internal sealed class McpEventPublisher : IDisposable
{
    private const string ApiTokenHeader = "dapr-api-token";
    private static readonly MediaTypeHeaderValue CloudEventType = new(McpEnvelopeCodec.CloudEventContentType);

    /// <summary>
    /// The topic queues kept at most. Topics are few at a time (the server's, one reply topic per client app), but clients
    /// come and go: at this many, the idle queues are let go; a topic that finds every queue busy publishes one by one.
    /// </summary>
    internal const int MaxQueuedTopics = 1024;

    private readonly McpEnvelopeCodec _codec;
    private readonly HttpClient _http;
    private readonly string? _apiToken;
    private readonly McpPublishOptions _options;
    private readonly ILogger _logger;
    private readonly McpDaprMetrics _metrics;
    private readonly ConcurrentDictionary<(string PubSub, string Topic), TopicPublishQueue> _queues = new();
    private readonly Lock _sweep = new();
    private readonly Lazy<SidecarBulkPublisher> _bulk;
    private volatile bool _bulkUnsupported;

    public McpEventPublisher(McpEnvelopeCodec codec, IConfiguration configuration, IOptions<McpPublishOptions> options, McpDaprMetrics metrics, ILogger<McpEventPublisher> logger)
    {
        _codec = codec;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        var endpoint = global::Dapr.DaprDefaults.GetDefaultHttpEndpoint(configuration);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/"),
            // Callers bound each publish with their own token (request timeouts, drain deadlines).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var token = global::Dapr.DaprDefaults.GetDefaultDaprApiToken(configuration);
        _apiToken = string.IsNullOrEmpty(token) ? null : token;
        _bulk = new Lazy<SidecarBulkPublisher>(() => new SidecarBulkPublisher(global::Dapr.DaprDefaults.GetDefaultGrpcEndpoint(configuration), _apiToken));
    }

    /// <summary>Encodes <paramref name="envelope"/>; the caller checks the size before it publishes.</summary>
    public ReadOnlyMemory<byte> Encode(McpEnvelope envelope) => _codec.Encode(envelope);

    /// <summary>
    /// Publishes already encoded bytes to a pub/sub topic; throws <see cref="SidecarPublishException"/> when the sidecar
    /// refuses it, and <see cref="HttpRequestException"/> when the sidecar cannot be reached.
    /// </summary>
    public Task PublishAsync(string pubSubName, string topic, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        if (!_options.BulkPublish || _bulkUnsupported)
        {
            return PublishOneAsync(pubSubName, topic, cloudEvent, cancellationToken);
        }

        var key = (pubSubName, topic);
        if (!_queues.TryGetValue(key, out var queue))
        {
            if (_queues.Count >= MaxQueuedTopics && !RemoveIdleQueues())
            {
                return PublishOneAsync(pubSubName, topic, cloudEvent, cancellationToken);
            }

            queue = _queues.GetOrAdd(key, k => new TopicPublishQueue(this, k.PubSub, k.Topic, _options.MaxConcurrentPublishes, _options.MaxBulkMessages, _options.MaxBulkBytes));
        }

        return queue.PublishAsync(cloudEvent, cancellationToken);
    }

    /// <summary>Lets go of the queues of topics with no call under way; true when that made room for another.</summary>
    /// <remarks>
    /// A caller that took a queue just before it was let go still publishes through it, and the topic's next caller makes a
    /// new one: for that moment the topic may have twice its calls under way, which costs nothing but the batching.
    /// </remarks>
    private bool RemoveIdleQueues()
    {
        lock (_sweep)
        {
            if (_queues.Count >= MaxQueuedTopics)
            {
                foreach (var entry in _queues)
                {
                    if (entry.Value.IsIdle)
                    {
                        _queues.TryRemove(entry);
                    }
                }
            }

            return _queues.Count < MaxQueuedTopics;
        }
    }

    /// <summary>Publishes one message with the sidecar's publish API.</summary>
    internal async Task PublishOneAsync(string pubSubName, string topic, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        // The event goes as a whole CloudEvent so that its id and extension attributes reach the subscriber unchanged.
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1.0/publish/" + Uri.EscapeDataString(pubSubName) + "/" + Uri.EscapeDataString(topic))
        {
            Content = new ReadOnlyMemoryContent(cloudEvent),
        };
        request.Content.Headers.ContentType = CloudEventType;
        if (_apiToken is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiTokenHeader, _apiToken);
        }

        _metrics.PublishCall(topic, 1);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await SidecarPublishException.ReadAsync(response, pubSubName, topic, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Publishes the messages that waited for a call to the same topic to end, and completes each with its own outcome:
    /// one message with the publish API, more with the bulk publish API (one by one when the sidecar has none).
    /// </summary>
    internal async Task PublishBatchAsync(string pubSubName, string topic, IReadOnlyList<QueuedPublish> batch)
    {
        if (batch.Count == 1 || _bulkUnsupported)
        {
            await PublishEachAsync(pubSubName, topic, batch).ConfigureAwait(false);
            return;
        }

        // The call is cancelled only once every caller in it has given up; until then it is still wanted.
        using var everyoneGaveUp = new CancellationTokenSource();
        var gaveUp = 0;
        var registrations = batch.Select(entry => entry.CancellationToken.Register(() =>
        {
            if (Interlocked.Increment(ref gaveUp) == batch.Count)
            {
                everyoneGaveUp.Cancel();
            }
        })).ToList();
        try
        {
            if (await SendBulkAsync(pubSubName, topic, batch, everyoneGaveUp.Token).ConfigureAwait(false) is { } reason)
            {
                // Published one by one over HTTP, as without bulk publish: same outcome for each caller, and a message
                // the failed call may have published already is dropped by its subscribers' de-duplication.
                _bulkUnsupported = true;
                Log.BulkPublishUnavailable(_logger, pubSubName, topic, reason);
                await PublishEachAsync(pubSubName, topic, batch).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            foreach (var entry in batch)
            {
                entry.Failed(e);
            }
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }

    // Each message with the publish API of its own, all at once; each caller hears its own outcome.
    private Task PublishEachAsync(string pubSubName, string topic, IReadOnlyList<QueuedPublish> batch) =>
        Task.WhenAll(batch.Select(entry => PublishQueuedAsync(pubSubName, topic, entry)));

    private async Task PublishQueuedAsync(string pubSubName, string topic, QueuedPublish entry)
    {
        try
        {
            await PublishOneAsync(pubSubName, topic, entry.CloudEvent, entry.CancellationToken).ConfigureAwait(false);
            entry.Published();
        }
        catch (Exception e)
        {
            entry.Failed(e);
        }
    }

    /// <summary>
    /// One call to the bulk publish API, which completes every message; or, when the sidecar has no such API or its gRPC
    /// endpoint cannot be reached, why not (and no message is completed).
    /// </summary>
    private async Task<string?> SendBulkAsync(string pubSubName, string topic, IReadOnlyList<QueuedPublish> batch, CancellationToken cancellationToken)
    {
        try
        {
            _metrics.PublishCall(topic, batch.Count);
            await _bulk.Value.PublishAsync(pubSubName, topic, batch, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unimplemented)
        {
            return "it has no bulk publish API (Dapr 1.10 or later has it)";
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable)
        {
            return $"its gRPC API could not be reached ({LogText.Escape(e.Status.Detail)}); check DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT";
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        if (_bulk.IsValueCreated)
        {
            _bulk.Value.Dispose();
        }
    }

    /// <summary>The <c>traceparent</c> of the current activity, to carry in outgoing envelopes.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
