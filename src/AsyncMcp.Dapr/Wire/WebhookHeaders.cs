namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// The HTTP headers of a signed webhook delivery (the Standard Webhooks scheme; see <c>docs/webhooks.md</c>).
/// </summary>
/// <remarks>
/// They are sent as binding metadata in this capitalised spelling, because Dapr's HTTP binding turns only metadata
/// keys that start with a capital letter into request headers. HTTP header names are case-insensitive.
/// </remarks>
public static class WebhookHeaders
{
    /// <summary>The message id: the CloudEvent <c>id</c>, the same on every retry of a delivery.</summary>
    public const string Id = "Webhook-Id";

    /// <summary>When the delivery attempt was signed, in whole seconds since the Unix epoch.</summary>
    public const string Timestamp = "Webhook-Timestamp";

    /// <summary>Space-separated <c>v1,{base64 HMAC-SHA256}</c> signatures, one per active secret.</summary>
    public const string Signature = "Webhook-Signature";
}
