using System.Globalization;
using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Publishes many messages to one topic in one call: daprd's gRPC bulk publish API (<c>BulkPublishEvent</c>, or
/// <c>BulkPublishEventAlpha1</c> on a sidecar that has only that, Dapr 1.10 and later), at the gRPC endpoint and with the
/// API token the Dapr .NET SDK reads.
/// </summary>
/// <remarks>
/// gRPC, where single publishes use HTTP: the gRPC API takes each CloudEvent as the bytes it is, while the HTTP bulk API
/// reads each into a generic JSON value and writes it again, which turns every number into a 64-bit float
/// (dapr/dapr pkg/api/http/http.go onBulkPublish, pkg/api/http/util.go ConvertEventToBytes): an integer above 2^53 in
/// a tool's arguments would arrive changed. Each message keeps its own trace context, carried in its CloudEvent
/// (<see cref="McpCloudEventAttributes.TraceId"/>), which daprd 1.12 and later leaves as it is.
/// </remarks>
internal sealed class SidecarBulkPublisher : IDisposable
{
    private const string ApiTokenHeader = "dapr-api-token";

    private readonly GrpcChannel _channel;
    private readonly global::Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient _client;
    private readonly Metadata? _headers;
    private volatile bool _alphaOnly;

    public SidecarBulkPublisher(string grpcEndpoint, string? apiToken)
    {
        _channel = GrpcChannel.ForAddress(grpcEndpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1), EnableMultipleHttp2Connections = true },
            // The messages were checked against the wire limit one by one; the call is bounded by McpPublishOptions.MaxBulkBytes.
            MaxSendMessageSize = null,
        });
        _client = new global::Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(_channel);
        _headers = apiToken is null ? null : new Metadata { { ApiTokenHeader, apiToken } };
    }

    /// <summary>
    /// Publishes <paramref name="batch"/> and completes each message with its outcome: published, or failed with the
    /// sidecar's refusal. A refused call does not say which messages went out, so each caller hears the refusal; a
    /// caller that publishes again is harmless (subscribers drop a CloudEvent id they have seen).
    /// </summary>
    public async Task PublishAsync(string pubSubName, string topic, IReadOnlyList<QueuedPublish> batch, CancellationToken cancellationToken)
    {
        var request = new BulkPublishRequest { PubsubName = pubSubName, Topic = topic };
        for (var i = 0; i < batch.Count; i++)
        {
            request.Entries.Add(new BulkPublishRequestEntry
            {
                EntryId = i.ToString(CultureInfo.InvariantCulture),
                Event = UnsafeByteOperations.UnsafeWrap(batch[i].CloudEvent),
                ContentType = McpEnvelopeCodec.CloudEventContentType,
            });
        }

        BulkPublishResponse response;
        try
        {
            response = await CallAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Unimplemented or StatusCode.Unavailable or StatusCode.Cancelled))
        {
            var refusal = SidecarPublishException.FromGrpc(e, pubSubName, topic);
            foreach (var entry in batch)
            {
                entry.Failed(refusal);
            }

            return;
        }

        // daprd reports a partial failure as an error (above), but the response's contract is a list of failed entries.
        var failed = response.FailedEntries.ToDictionary(f => f.EntryId, f => f.Error, StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (failed.TryGetValue(i.ToString(CultureInfo.InvariantCulture), out var error))
            {
                batch[i].Failed(new SidecarPublishException(HttpStatusCode.InternalServerError, "ERR_PUBSUB_PUBLISH_MESSAGE", null,
                    $"{LogText.Escape(string.IsNullOrEmpty(error) ? "the sidecar gave no reason" : error)} (pubsub '{pubSubName}', topic '{topic}')"));
            }
            else
            {
                batch[i].Published();
            }
        }
    }

    public void Dispose() => _channel.Dispose();

    // The stable method first; a sidecar that does not know it (before it left alpha) is asked the alpha one from then on.
    private async Task<BulkPublishResponse> CallAsync(BulkPublishRequest request, CancellationToken cancellationToken)
    {
        if (!_alphaOnly)
        {
            try
            {
                return await _client.BulkPublishEventAsync(request, _headers, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
            {
                _alphaOnly = true;
            }
        }

#pragma warning disable CS0612 // obsolete in the protos since the stable method came; the sidecars before it have only this one
        return await _client.BulkPublishEventAlpha1Async(request, _headers, cancellationToken: cancellationToken).ConfigureAwait(false);
#pragma warning restore CS0612
    }
}
