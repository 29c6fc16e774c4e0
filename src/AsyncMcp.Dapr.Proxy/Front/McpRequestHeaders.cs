using System.Buffers;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// The request metadata headers of 2026-07-28 Streamable HTTP, checked against the body as the MCP C# SDK's server
/// checks them (its <c>StreamableHttpHandler.ValidateMcpHeaders</c>), so that the proxy answers the same
/// <c>400</c> / <c>-32020</c> (HeaderMismatch) before forwarding: <c>Mcp-Method</c> on every request, and
/// <c>Mcp-Name</c> (plain or in the <c>=?base64?…?=</c> form) on the methods that name something: the spec's
/// <c>tools/call</c>, <c>prompts/get</c> and <c>resources/read</c>, and SEP-2663's <c>tasks/get</c>,
/// <c>tasks/update</c> and <c>tasks/cancel</c> (the task id). A load balancer routes on these headers, so a header
/// that says something else than the body is refused, never forwarded.
/// </summary>
internal static class McpRequestHeaders
{
    public const string MethodHeader = "Mcp-Method";
    public const string NameHeader = "Mcp-Name";

    private static readonly SearchValues<char> HeaderValueChars =
        SearchValues.Create("\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Why the headers of <paramref name="request"/> do not match its body, or <see langword="null"/> when they do.</summary>
    public static string? Mismatch(IHeaderDictionary headers, JsonRpcRequest request)
    {
        if (!headers.TryGetValue(MethodHeader, out var methodHeader))
        {
            return $"Missing required {MethodHeader} header.";
        }

        var method = methodHeader.ToString().Trim();
        if (!string.Equals(method, request.Method, StringComparison.Ordinal))
        {
            return $"Header mismatch: {MethodHeader} header value '{method}' does not match body value '{request.Method}'.";
        }

        if (NamingParameterOf(request.Method) is not { } parameter)
        {
            return null;
        }

        if (!headers.TryGetValue(NameHeader, out var nameHeader))
        {
            return $"Missing required {NameHeader} header.";
        }

        var name = nameHeader.ToString().Trim();
        if (name.AsSpan().IndexOfAnyExcept(HeaderValueChars) >= 0)
        {
            return $"Header mismatch: {NameHeader} header contains invalid characters.";
        }

        if (McpHeaderEncoder.DecodeValue(name) is not { } decoded)
        {
            return $"Header mismatch: {NameHeader} header contains invalid Base64 encoding.";
        }

        var body = (request.Params as JsonObject)?[parameter] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        return string.Equals(decoded, body, StringComparison.Ordinal)
            ? null
            : $"Header mismatch: {NameHeader} header value '{name}' does not match body value '{body}'.";
    }

    private static string? NamingParameterOf(string method) => method switch
    {
        RequestMethods.ToolsCall or RequestMethods.PromptsGet => "name",
        RequestMethods.ResourcesRead => "uri",
        "tasks/get" or "tasks/update" or "tasks/cancel" => "taskId",
        _ => null,
    };
}
