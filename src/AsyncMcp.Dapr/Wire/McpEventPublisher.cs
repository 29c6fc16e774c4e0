using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Publishes envelopes as structured CloudEvents through the Dapr sidecar's HTTP publish API
/// (<c>POST /v1.0/publish/{pubsub}/{topic}</c>), at the endpoint and with the API token the Dapr .NET SDK reads
/// (<c>DAPR_HTTP_ENDPOINT</c> or <c>DAPR_HTTP_PORT</c>, <c>DAPR_API_TOKEN</c>).
/// </summary>
/// <remarks>
/// HTTP rather than <c>DaprClient</c>'s gRPC call: every request and every answer is a publish, and the SDK's gRPC publish
/// builds its User-Agent by reflection on each call and allocates about 7 KB more per publish (docs/benchmarks.md).
/// </remarks>
internal sealed class McpEventPublisher : IDisposable
{
    private const string ApiTokenHeader = "dapr-api-token";
    private static readonly MediaTypeHeaderValue CloudEventType = new(McpEnvelopeCodec.CloudEventContentType);

    private readonly McpEnvelopeCodec _codec;
    private readonly HttpClient _http;
    private readonly string? _apiToken;

    public McpEventPublisher(McpEnvelopeCodec codec, IConfiguration configuration)
    {
        _codec = codec;
        var endpoint = global::Dapr.DaprDefaults.GetDefaultHttpEndpoint(configuration);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/"),
            // Callers bound each publish with their own token (request timeouts, drain deadlines).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var token = global::Dapr.DaprDefaults.GetDefaultDaprApiToken(configuration);
        _apiToken = string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>Encodes <paramref name="envelope"/>; the caller checks the size before it publishes.</summary>
    public ReadOnlyMemory<byte> Encode(McpEnvelope envelope) => _codec.Encode(envelope);

    /// <summary>
    /// Publishes already encoded bytes to a pub/sub topic; throws <see cref="SidecarPublishException"/> when the sidecar
    /// refuses it, and <see cref="HttpRequestException"/> when the sidecar cannot be reached.
    /// </summary>
    public async Task PublishAsync(string pubSubName, string topic, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
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

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await SidecarPublishException.ReadAsync(response, pubSubName, topic, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The <c>traceparent</c> of the current activity, to carry in outgoing envelopes.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
