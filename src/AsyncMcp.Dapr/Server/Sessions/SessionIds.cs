using System.Security.Cryptography;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>Creates session ids: 128 random bits, URL-safe, so they cannot be guessed.</summary>
internal static class SessionIds
{
    public static string Create() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
