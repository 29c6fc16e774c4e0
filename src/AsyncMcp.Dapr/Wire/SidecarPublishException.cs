using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// The sidecar refused a publish: its HTTP status, daprd's error code and message, and the reason of the error's
/// <c>google.rpc.ErrorInfo</c>, which daprd 1.14 and later give on both APIs (dapr/kit errors).
/// </summary>
internal sealed class SidecarPublishException(HttpStatusCode status, string? errorCode, string? reason, string detail)
    : Exception($"The Dapr sidecar refused the publish ({Codes((int)status, errorCode, reason)}): {detail}")
{
    private const string GrpcDetailsTrailer = "grpc-status-details-bin";

    /// <summary>The sidecar's HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>daprd's error code (e.g. <c>ERR_PUBSUB_NOT_FOUND</c>), when an HTTP refusal's body carried one.</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>The <c>ErrorInfo</c> reason (e.g. <c>DAPR_PUBSUB_NOT_FOUND</c>), when the refusal carried one.</summary>
    public string? Reason { get; } = reason;

    /// <summary>Reads daprd's error body (<c>{"errorCode", "message", "details"}</c>) from a refused publish.</summary>
    public static async Task<SidecarPublishException> ReadAsync(HttpResponseMessage response, string pubSubName, string topic, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? code = null;
        string? reason = null;
        var message = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                code = root.TryGetProperty("errorCode", out var c) && c.ValueKind == JsonValueKind.String ? LogText.Escape(c.GetString()) : null;
                message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : body;
                reason = root.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array
                    ? details.EnumerateArray().Select(ErrorInfoReason).FirstOrDefault(r => r is not null)
                    : null;
            }
        }
        catch (JsonException)
        {
            // Not daprd's JSON (a proxy in between, say): the body as it came.
        }

        return new SidecarPublishException(response.StatusCode, code, reason, $"{LogText.Escape(message)} (pubsub '{pubSubName}', topic '{topic}')");
    }

    /// <summary>A refused gRPC call: daprd's message, the gRPC status, and the reason from the status details.</summary>
    public static SidecarPublishException FromGrpc(RpcException e, string pubSubName, string topic) =>
        new(e.StatusCode switch
        {
            StatusCode.NotFound => HttpStatusCode.NotFound,
            StatusCode.InvalidArgument => HttpStatusCode.BadRequest,
            StatusCode.PermissionDenied => HttpStatusCode.Forbidden,
            StatusCode.Unauthenticated => HttpStatusCode.Unauthorized,
            _ => HttpStatusCode.InternalServerError,
        }, null, ErrorInfoReason(e), $"{LogText.Escape(e.Status.Detail)} (gRPC {e.StatusCode}; pubsub '{pubSubName}', topic '{topic}')");

    private static string? ErrorInfoReason(JsonElement detail) =>
        detail.ValueKind == JsonValueKind.Object
        && detail.TryGetProperty("@type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString()!.EndsWith("/google.rpc.ErrorInfo", StringComparison.Ordinal)
        && detail.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
            ? LogText.Escape(reason.GetString())
            : null;

    // The details are a google.rpc.Status in a binary trailer; a trailer that does not parse is as good as none.
    private static string? ErrorInfoReason(RpcException e)
    {
        if (e.Trailers.GetValueBytes(GrpcDetailsTrailer) is not { } bytes)
        {
            return null;
        }

        try
        {
            return Google.Rpc.Status.Parser.ParseFrom(bytes).Details
                .Where(d => d.Is(ErrorInfo.Descriptor))
                .Select(d => LogText.Escape(d.Unpack<ErrorInfo>().Reason))
                .FirstOrDefault(r => !string.IsNullOrEmpty(r));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static string Codes(int status, string? errorCode, string? reason) =>
        string.Join(' ', new[] { status.ToString(System.Globalization.CultureInfo.InvariantCulture), errorCode, reason }.Where(p => !string.IsNullOrEmpty(p)).Distinct());
}
