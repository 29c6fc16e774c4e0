namespace AsyncMcp.Dapr.Wire;

/// <summary>The outcome of decoding one incoming CloudEvent.</summary>
/// <param name="Envelope">The decoded envelope, when <paramref name="Error"/> is <see cref="WireError.None"/>; for
/// other errors, as much of it as could be read (never its message), so that an error can still be answered.</param>
/// <param name="Error">Why the event cannot be processed.</param>
/// <param name="Detail">A human-readable reason, for logs.</param>
internal readonly record struct DecodeResult(McpEnvelope? Envelope, WireError Error, string? Detail)
{
    public static DecodeResult Ok(McpEnvelope envelope) => new(envelope, WireError.None, null);

    public static DecodeResult Fail(WireError error, string detail, McpEnvelope? partial = null) => new(partial, error, detail);
}
