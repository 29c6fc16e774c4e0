using System.Globalization;
using System.Text.RegularExpressions;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Wire;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Server.Webhooks;

/// <summary>
/// Replies delivered by invoking a Dapr HTTP output binding (<c>post</c>, metadata <c>path</c>), signed with the
/// binding's secrets as Standard Webhooks headers. Each attempt is signed afresh, so its timestamp is current. Only
/// bindings the <see cref="WebhookBindingRegistry"/> allows may be named; each session gets a queue of its own.
/// </summary>
internal sealed partial class BindingReplyRoute(
    DaprClient daprClient,
    WebhookBindingRegistry registry,
    IOptions<DaprWebhookReplyOptions> options,
    McpDaprMetrics metrics,
    TimeProvider time,
    ILogger<QueuedReplyChannel> logger) : IReplyRoute
{
    public string Scheme => ReplyAddress.BindingScheme;

    public Task<string?> RefusalAsync(ReplyAddress address, CancellationToken cancellationToken) =>
        registry.RefusalAsync(address.Component, cancellationToken);

    public IReplyChannel Open(ReplyAddress address, string? sessionId, Action<Exception> onFailed) =>
        new QueuedReplyChannel(this, address, sessionId, options.Value, metrics, time, logger, onFailed);

    public async Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        var secrets = await registry.SecretsAsync(address.Component, cancellationToken);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var request = new BindingRequest(address.Component, "post") { Data = cloudEvent };

        // Capitalised keys become HTTP headers in daprd's HTTP binding; "path" is appended to the binding's URL.
        request.Metadata["path"] = address.Target;
        request.Metadata["Content-Type"] = McpEnvelopeCodec.CloudEventContentType;
        request.Metadata[WebhookHeaders.Id] = eventId;
        request.Metadata[WebhookHeaders.Timestamp] = timestamp.ToString(CultureInfo.InvariantCulture);
        request.Metadata[WebhookHeaders.Signature] = WebhookSignature.Sign(secrets, eventId, timestamp, cloudEvent.Span);
        try
        {
            await daprClient.InvokeBindingAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is global::Dapr.DaprException or Grpc.Core.RpcException)
        {
            throw FromBindingError(address.Component, ex);
        }
    }

    /// <summary>
    /// Classifies the error of a binding invocation. daprd's HTTP binding reports a non-2xx answer as
    /// "received status code N" inside the gRPC error (components-contrib bindings/http/http.go).
    /// </summary>
    internal static ReplyDeliveryException FromBindingError(string binding, Exception error)
    {
        var detail = error is global::Dapr.DaprException { InnerException: Grpc.Core.RpcException rpc } ? rpc.Status.Detail
            : error is Grpc.Core.RpcException direct ? direct.Status.Detail
            : error.Message;
        var match = StatusCodePattern().Match(detail);
        var status = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        // 409 is the receiver seeing the very same signed request twice (a retry below us, e.g. by a Dapr resiliency
        // policy): a retry signed afresh is then acknowledged as a duplicate.
        var permanent = status is >= 400 and < 500 and not 408 and not 409 and not 429;
        return new ReplyDeliveryException($"Binding '{binding}': {detail}", permanent, error);
    }

    [GeneratedRegex(@"received status code (\d{3})")]
    private static partial Regex StatusCodePattern();
}
