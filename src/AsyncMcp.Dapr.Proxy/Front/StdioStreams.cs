namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>The streams the stdio front reads and writes: the process's own unless a test supplies others.</summary>
/// <param name="Input">Where MCP messages from the client arrive.</param>
/// <param name="Output">Where MCP messages to the client go; nothing else may be written there.</param>
public sealed record StdioStreams(Stream Input, Stream Output)
{
    /// <summary>Standard input and output of the process.</summary>
    public static StdioStreams Console() => new(System.Console.OpenStandardInput(), System.Console.OpenStandardOutput());
}
