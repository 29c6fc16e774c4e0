namespace AsyncMcp.Dapr.Client.Webhooks;

/// <summary>What the webhook reply endpoint answers one delivery, and what it logs and counts about it.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Reason">Why the delivery was rejected, for the log; <see langword="null"/> when it was not.</param>
/// <param name="MessageId">The delivery's <c>webhook-id</c>, which is its CloudEvent id.</param>
/// <param name="SessionId">The session of the decoded event, when it could be decoded.</param>
/// <param name="DropReason">The <c>error.type</c> to count the delivery under as dropped, when it is one.</param>
internal readonly record struct WebhookVerdict(int Status, string? Reason, string? MessageId, string? SessionId = null, string? DropReason = null);
