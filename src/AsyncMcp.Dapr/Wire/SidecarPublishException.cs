using System.Net;
using System.Text.Json;

namespace AsyncMcp.Dapr.Wire;

/// <summary>The sidecar refused a publish: its HTTP status and daprd's error code and message.</summary>
internal sealed class SidecarPublishException(HttpStatusCode status, string? errorCode, string detail)
    : Exception($"The Dapr sidecar refused the publish ({(int)status}{(errorCode is null ? "" : " " + errorCode)}): {detail}")
{
    /// <summary>The sidecar's HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>daprd's error code (e.g. <c>ERR_PUBSUB_NOT_FOUND</c>), when the body carried one.</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>Reads daprd's error body (<c>{"errorCode": ..., "message": ...}</c>) from a refused publish.</summary>
    public static async Task<SidecarPublishException> ReadAsync(HttpResponseMessage response, string pubSubName, string topic, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? code = null;
        var message = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = document.RootElement.TryGetProperty("errorCode", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                message = document.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : body;
            }
        }
        catch (JsonException)
        {
            // Not daprd's JSON (a proxy in between, say): the body as it came.
        }

        return new SidecarPublishException(response.StatusCode, code, $"{LogText.Escape(message)} (pubsub '{pubSubName}', topic '{topic}')");
    }
}
