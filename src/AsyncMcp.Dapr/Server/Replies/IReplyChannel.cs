namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>The outgoing side of one server session: everything its <c>McpServer</c> sends, in order.</summary>
internal interface IReplyChannel : IAsyncDisposable
{
    /// <summary>
    /// Sends (or queues) one encoded CloudEvent. A direct channel returns once it is delivered; a queued channel once
    /// it is queued, and reports a delivery that fails for good through the callback it was opened with.
    /// </summary>
    Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken);
}
