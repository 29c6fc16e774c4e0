namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>Whether node is on PATH (the project's TypeScript tests need it too).</summary>
internal static class Node
{
    public static bool Available { get; } = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node")));
}
