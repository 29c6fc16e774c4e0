namespace AsyncMcp.Dapr.Hosting;

/// <summary>A part of the app that holds requests in flight, which <see cref="McpDrain"/> waits for on shutdown.</summary>
internal interface IDrainable
{
    /// <summary>Requests this part has taken and not answered (or, on a client, sent and not heard back on).</summary>
    int InFlight { get; }

    /// <summary>Answers every request still in flight with <see cref="Wire.McpWireErrorCodes.ShuttingDown"/>.</summary>
    Task AbandonAsync(string reason);

    /// <summary>
    /// Called once at the end of the drain, after any <see cref="AbandonAsync"/>: a part whose sessions outlive this
    /// process records there what they answered, so that the replica that takes a session over does not answer it again.
    /// </summary>
    /// <param name="cancellationToken">The host's shutdown timeout.</param>
    Task SettleAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
