using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AsyncMcp.Dapr.Emulator.Diagnostics;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// The sidecar's HTTP channel to its app (app protocol HTTP): subscription discovery and CloudEvent delivery.
/// </summary>
internal sealed class AppChannel : IDisposable
{
    private readonly HttpClient _client;

    public AppChannel(Uri baseAddress, string? appApiToken = null)
    {
        BaseAddress = baseAddress;
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        AppApiTokenHeader.Apply(_client, appApiToken);
    }

    /// <summary>The app's base URL.</summary>
    public Uri BaseAddress { get; }

    /// <summary>GET {app}/dapr/subscribe: the JSON body, or null when the app has no such route (404).</summary>
    public async Task<string?> GetSubscriptionsAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(Combine("/dapr/subscribe"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// POSTs a CloudEvent to the app and reads the answer as daprd does
    /// (dapr/dapr pkg/runtime/subscription/postman/http/http.go Deliver): any 2xx with an empty or unreadable body,
    /// or status SUCCESS or none, is success; RETRY or an unknown status is retry; DROP is drop; HTTP 404 is drop;
    /// any other status, or no connection, is retry. Throws <see cref="OperationCanceledException"/> only when
    /// <paramref name="cancellationToken"/> is cancelled (the sidecar stopped).
    /// </summary>
    public async Task<AppResponse> DeliverAsync(string path, ReadOnlyMemory<byte> body, string pubSubName, string? traceParent, string? traceState, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Combine(path));
        request.Content = new ReadOnlyMemoryContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");

        // daprd opens a callback span from the event's traceparent and sends its own context to the app.
        if (!string.IsNullOrEmpty(traceParent))
        {
            request.Headers.TryAddWithoutValidation("traceparent", TraceContext.ChildOf(traceParent));
            if (!string.IsNullOrEmpty(traceState))
            {
                request.Headers.TryAddWithoutValidation("tracestate", traceState);
            }
        }

        // The message metadata, which carries pubsubname, goes as headers.
        request.Headers.TryAddWithoutValidation("pubsubname", pubSubName);

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new AppResponse(AppResponseKind.Retry, "error returned from app channel: " + e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AppResponse(AppResponseKind.Retry, "app did not answer in time");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (status is >= 200 and <= 299)
            {
                return ReadStatus(text);
            }

            if (status == 404)
            {
                return new AppResponse(AppResponseKind.Drop, $"non-retriable error returned from app: HTTP 404 {Truncate(text)}");
            }

            return new AppResponse(AppResponseKind.Retry, $"retriable error returned from app: HTTP {status} {Truncate(text)}");
        }
    }

    private static AppResponse ReadStatus(string body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new AppResponse(AppResponseKind.Success, "2xx without a readable status");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new AppResponse(AppResponseKind.Success, "2xx without a readable status");
        }

        string? status = string.Empty;
        foreach (var property in root.EnumerateObject())
        {
            // Go's encoding/json matches field names without regard to case.
            if (string.Equals(property.Name, "status", StringComparison.OrdinalIgnoreCase))
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    status = property.Value.GetString();
                }
                else if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    return new AppResponse(AppResponseKind.Success, "2xx without a readable status");
                }
            }
        }

        return status switch
        {
            "" or null or "SUCCESS" => new AppResponse(AppResponseKind.Success, "SUCCESS"),
            "RETRY" => new AppResponse(AppResponseKind.Retry, "RETRY status returned from app"),
            "DROP" => new AppResponse(AppResponseKind.Drop, "DROP status returned from app"),
            _ => new AppResponse(AppResponseKind.Retry, $"unknown status returned from app: {status}"),
        };
    }

    private Uri Combine(string path) => new(BaseAddress.ToString().TrimEnd('/') + (path.StartsWith('/') ? path : "/" + path));

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";

    public void Dispose() => _client.Dispose();
}
