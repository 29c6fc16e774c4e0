using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server;

/// <summary>
/// Turns a tool's failure to reach a client feature the client never declared (sampling, elicitation, roots) into a
/// tool error that names the missing capability. The SDK reports any other exception as a bare "An error occurred
/// invoking 'tool'", which leaves the user of a client such as the MCP Inspector with nothing to act on.
/// </summary>
internal static class MissingClientCapabilityFilter
{
    /// <summary>The call-tool filter (<c>WithRequestFilters(f => f.AddCallToolFilter(...))</c>).</summary>
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Wrap(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            try
            {
                return await next(context, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e) when (MissingCapability(context.Server, e) is { } capability)
            {
                return new CallToolResult
                {
                    IsError = true,
                    Content = [new TextContentBlock { Text = Message(context.Params?.Name, capability, context.Server.ClientCapabilities is null) }],
                };
            }
        };

    /// <summary>The client capability the exception complains about, when the client indeed lacks it.</summary>
    internal static string? MissingCapability(McpServer server, InvalidOperationException exception)
    {
        // The SDK's own checks throw InvalidOperationException: "Client does not support sampling.", "... elicitation
        // requests.", "... roots.", or "<Feature> is not supported in stateless mode.".
        var capabilities = server.ClientCapabilities;
        var message = exception.Message;
        // Sampling and roots are obsolete for 2026-07-28 (MCP9005) but still declared by 2025-11-25 clients, which is
        // exactly what is read here.
#pragma warning disable MCP9005
        if (Mentions(message, "sampling") && capabilities?.Sampling is null)
        {
            return "sampling";
        }

        if (Mentions(message, "elicitation") && capabilities?.Elicitation is null)
        {
            return "elicitation";
        }

        return Mentions(message, "roots") && capabilities?.Roots is null ? "roots" : null;
#pragma warning restore MCP9005
    }

    internal static string Message(string? tool, string capability, bool sessionless) => sessionless
        ? $"The tool '{tool}' needs the client capability '{capability}', and this request came without a session that declares it. Connect with protocol 2025-11-25 (initialize) from a client that supports {capability}."
        : $"The tool '{tool}' needs the client capability '{capability}', which this client did not declare when it connected. Use a client that supports {capability} (and enable it), then call the tool again.";

    private static bool Mentions(string message, string word) => message.Contains(word, StringComparison.OrdinalIgnoreCase);
}
