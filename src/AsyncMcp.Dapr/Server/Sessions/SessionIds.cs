using System.Security.Cryptography;
using System.Text;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>Creates session ids: 128 bits, hex, so they cannot be guessed.</summary>
internal static class SessionIds
{
    /// <summary>A random session id (the in-memory host).</summary>
    public static string Create() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// The session id of an initialize event for a durable host: derived from its publisher and CloudEvent id, so that a
    /// redelivered initialize reaches the same actor or workflow and is recognised as a duplicate instead of opening a
    /// second session.
    /// </summary>
    public static string ForInitialize(McpEnvelope envelope) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(envelope.Source + "\n" + envelope.Id)).AsSpan(0, 16));
}
