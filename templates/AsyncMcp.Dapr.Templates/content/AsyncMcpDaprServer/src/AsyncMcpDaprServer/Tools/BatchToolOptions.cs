namespace AsyncMcpDaprServer.Tools;

/// <summary>Settings of <see cref="BatchTools"/> (configuration section <c>BatchTool</c>).</summary>
public sealed class BatchToolOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "BatchTool";

    /// <summary>How long each item takes, in milliseconds: a stand-in for real work.</summary>
    public int ItemMilliseconds { get; set; } = 1000;
}
