using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Http;

/// <summary>
/// Whether the params of an <c>initialize</c> request are <see cref="InitializeRequestParams"/>. Checked at every HTTP
/// door before a session is opened: the SDK reads them only once the session exists, and fails there with a 500 that
/// leaves the session behind.
/// </summary>
internal static class InitializeParamsCheck
{
    /// <summary>Why <paramref name="parameters"/> are not initialize params, or <see langword="null"/> when they are.</summary>
    public static string? Fault(JsonNode? parameters)
    {
        if (parameters is not JsonObject)
        {
            return "initialize needs params: an object with protocolVersion, capabilities and clientInfo.";
        }

        try
        {
            var read = parameters.Deserialize<InitializeRequestParams>(McpJsonUtilities.DefaultOptions);
            return read is { ProtocolVersion.Length: > 0, Capabilities: not null, ClientInfo.Name: not null } ? null
                : "initialize needs protocolVersion (a string), capabilities (an object) and clientInfo (name and version).";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return $"initialize params are not InitializeRequestParams: {ex.Message}";
        }
    }
}
