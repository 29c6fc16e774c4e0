namespace AsyncMcp.Dapr.Wire;

/// <summary>The outcome of checking a webhook delivery's signature headers.</summary>
internal enum WebhookVerification
{
    /// <summary>One of the signatures matches an active secret and the timestamp is within tolerance.</summary>
    Valid,

    /// <summary>A <c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> header is missing.</summary>
    MissingHeaders,

    /// <summary>The timestamp is not a whole number of seconds.</summary>
    BadTimestamp,

    /// <summary>The timestamp is further from the receiver's clock than the tolerance.</summary>
    StaleTimestamp,

    /// <summary>No signature matches any active secret (forged, wrong secret, or body or headers altered).</summary>
    BadSignature,
}
