namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// The Host and Origin rules of a Streamable HTTP door (configuration section <c>Mcp:Http</c>): the server's own door
/// mapped with <c>app.MapMcp()</c>, checked before any MCP handler runs. They protect a local server against DNS
/// rebinding, as the MCP spec requires (Origin validation).
/// </summary>
public sealed class McpHttpDoorOptions
{
    /// <summary>The path of the door that is guarded, the one given to <c>app.MapMcp()</c>. Default: <c>/mcp</c>.</summary>
    public string Route { get; set; } = "/mcp";

    /// <summary>
    /// Host names a request may name in its <c>Host</c> header, and that an <c>Origin</c> header may point at. <c>*</c>
    /// allows any (for a door behind a gateway that checks them). Default: <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>.
    /// </summary>
    public string[]? AllowedHosts { get; set; }

    /// <summary>Further origins allowed to call the door, e.g. <c>https://app.example.com</c>.</summary>
    public string[]? AllowedOrigins { get; set; }
}
