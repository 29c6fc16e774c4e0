using AsyncMcp.Dapr.Wire;
using Dapr.Client;

namespace AsyncMcp.Dapr.Transports.Webhooks;

/// <summary>
/// Delivers a reply by invoking a Dapr HTTP output binding (<c>post</c>, metadata <c>path</c>), signed with the
/// binding's secrets as Standard Webhooks headers. Each attempt is signed afresh, so its timestamp is current.
/// </summary>
internal sealed class BindingReplySender(DaprClient daprClient, WebhookBindingRegistry registry, TimeProvider time) : IReplySender
{
    public string Scheme => ReplyAddress.BindingScheme;

    public async Task SendAsync(ReplyAddress address, string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
    {
        var secrets = await registry.SecretsAsync(address.Component, cancellationToken);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var request = new BindingRequest(address.Component, "post") { Data = cloudEvent };

        // Capitalised keys become HTTP headers in daprd's HTTP binding; "path" is appended to the binding's URL.
        request.Metadata["path"] = address.Target;
        request.Metadata["Content-Type"] = McpEnvelopeCodec.CloudEventContentType;
        request.Metadata[WebhookHeaders.Id] = eventId;
        request.Metadata[WebhookHeaders.Timestamp] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Metadata[WebhookHeaders.Signature] = WebhookSignature.Sign(secrets, eventId, timestamp, cloudEvent.Span);
        try
        {
            await daprClient.InvokeBindingAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is global::Dapr.DaprException or Grpc.Core.RpcException)
        {
            throw WebhookDeliveryException.FromBindingError(address.Component, ex);
        }
    }
}
