namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>The statuses of an MCP task, as they appear on the wire in both protocol generations.</summary>
public static class McpTaskStatus
{
    /// <summary>The request is being processed.</summary>
    public const string Working = "working";

    /// <summary>The server waits for input from the client (an elicitation or a sampling request).</summary>
    public const string InputRequired = "input_required";

    /// <summary>The request finished and its result is available.</summary>
    public const string Completed = "completed";

    /// <summary>The request did not finish successfully.</summary>
    public const string Failed = "failed";

    /// <summary>The request was cancelled before it finished.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Whether <paramref name="status"/> is final: completed, failed or cancelled.</summary>
    /// <param name="status">A status.</param>
    /// <returns><see langword="true"/> for a terminal status.</returns>
    public static bool IsTerminal(string? status) => status is Completed or Failed or Cancelled;
}
