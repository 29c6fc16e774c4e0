using System.Globalization;
using System.Net.Http.Headers;
using AsyncMcp.Dapr.Emulator.Components;

namespace AsyncMcp.Dapr.Emulator.Bindings;

/// <summary>
/// The <c>bindings.http</c> output binding, as components-contrib bindings/http/http.go does it: the <c>path</c>
/// metadata appended to the component's <c>url</c>; metadata keys that start with a capital letter sent as headers;
/// <c>securityToken</c> in <c>securityTokenHeader</c>; JSON <c>Content-Type</c>/<c>Accept</c> defaults; a non-2xx
/// answer an error unless <c>errorIfNot2XX</c> is false; the response's status and headers returned as metadata.
/// </summary>
internal static class HttpOutputBinding
{
    private static readonly string[] Operations = ["create", "get", "head", "post", "put", "patch", "delete", "options", "trace"];

    /// <summary>The result of one invocation: the response body and metadata, and the error daprd would report.</summary>
    public sealed record Result(byte[] Data, IReadOnlyDictionary<string, string> Metadata, string? Error, string Url);

    public static async Task<Result> InvokeAsync(
        HttpClient client, ComponentSpec component, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        if (!Operations.Contains(operation, StringComparer.Ordinal))
        {
            // dapr/dapr pkg/runtime/processor/binding/send.go: the operation must be one the binding lists.
            throw new InvalidOperationException(
                $"binding {component.Name} does not support operation {operation}. supported operations:{string.Join(" ", Operations)}");
        }

        var url = component.Property("url") ?? string.Empty;
        if (metadata.TryGetValue("path", out var path) && path.Length > 0)
        {
            url = url.TrimEnd('/') + "/" + path.TrimStart('/');
        }

        var errorIfNot2XX = Truthy(metadata.GetValueOrDefault("errorIfNot2XX") is { Length: > 0 } perRequest ? perRequest : component.Property("errorIfNot2XX"), true);
        var method = operation == "create" ? HttpMethod.Post : new HttpMethod(operation.ToUpperInvariant());
        using var request = new HttpRequestMessage(method, url);
        if (method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch)
        {
            request.Content = new ByteArrayContent(data.ToArray());
            if (!metadata.ContainsKey("Content-Type"))
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
            }
        }

        if (!metadata.ContainsKey("Accept"))
        {
            request.Headers.TryAddWithoutValidation("Accept", "application/json; charset=utf-8");
        }

        if (component.Property("securityToken") is { Length: > 0 } token && component.Property("securityTokenHeader") is { Length: > 0 } tokenHeader)
        {
            SetHeader(request, tokenHeader, token);
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length > 0 && char.IsAsciiLetterUpper(key[0]))
            {
                SetHeader(request, key, value);
            }
        }

        foreach (var traceKey in (string[])["traceparent", "tracestate", "baggage"])
        {
            if (metadata.TryGetValue(traceKey, out var traceValue) && traceValue.Length > 0)
            {
                SetHeader(request, traceKey, traceValue);
            }
        }

        using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var result = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["statusCode"] = status.ToString(CultureInfo.InvariantCulture),
            ["status"] = $"{status} {response.ReasonPhrase}",
        };
        foreach (var (key, values) in response.Headers.Concat(response.Content.Headers))
        {
            result[key] = string.Join(", ", values);
        }

        var error = errorIfNot2XX && status / 100 != 2 ? $"received status code {status}" : null;
        return new Result(body, result, error, url);
    }

    private static void SetHeader(HttpRequestMessage request, string name, string value)
    {
        if (request.Content is not null && name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            request.Content.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
            return;
        }

        request.Headers.Remove(name);
        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            request.Content?.Headers.TryAddWithoutValidation(name, value);
        }
    }

    // dapr/kit strings.IsTruthy: "y", "yes", "true", "t", "on", "1" (any case).
    private static bool Truthy(string? value, bool fallback) =>
        string.IsNullOrEmpty(value) ? fallback : value.Trim().ToLowerInvariant() is "y" or "yes" or "true" or "t" or "on" or "1";
}
