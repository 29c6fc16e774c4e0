using System.Net.Http.Headers;
using AsyncMcp.Dapr.Emulator.PubSub;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// The sidecar's HTTP channel to an app's actor endpoints (the routes Dapr.Actors.AspNetCore maps):
/// GET /dapr/config, PUT /actors/{type}/{id}/method/..., DELETE /actors/{type}/{id}.
/// </summary>
internal sealed class ActorAppChannel : IDisposable
{
    // Headers that belong to one HTTP hop; daprd passes every other header on as call metadata.
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Content-Length", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Date", "Server", "Content-Type",
    };

    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public ActorAppChannel(Uri baseAddress, string? appApiToken = null)
    {
        BaseAddress = baseAddress;
        AppApiTokenHeader.Apply(_client, appApiToken);
    }

    public Uri BaseAddress { get; }

    /// <summary>
    /// GET {app}/dapr/config: the JSON body, or null when the app hosts no actors (any non-2xx answer or an empty body:
    /// daprd then runs the app without actors, dapr/dapr pkg/runtime/runtime.go loadAppConfiguration).
    /// </summary>
    public async Task<string?> GetConfigAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(Combine("dapr/config"), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(body) ? null : body;
    }

    /// <summary>Sends one call to the app and reads its whole answer.</summary>
    public async Task<ActorCallResult> SendAsync(
        HttpMethod method, string path, byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Combine(path));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        foreach (var (name, value) in headers)
        {
            if (!HopHeaders.Contains(name) && !name.Equals(AppApiTokenHeader.Name, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var answerHeaders = response.Headers
            .Where(h => !HopHeaders.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value)))
            .ToList();
        return new ActorCallResult((int)response.StatusCode, answerHeaders, bytes, response.Content.Headers.ContentType?.ToString());
    }

    private Uri Combine(string path) => new(BaseAddress.ToString().TrimEnd('/') + "/" + path.TrimStart('/'));

    public void Dispose() => _client.Dispose();
}
