namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>The cap on open sessions, with an idle timeout long enough that no session expires during the test.</summary>
public sealed class SessionCapTests
{
    private static CancellationToken Timeout => TestDeadline.Current;

    [Fact]
    public async Task The_session_cap_refuses_a_new_session_with_a_clear_error_and_keeps_the_others()
    {
        await using var harness = await DaprMcpHarness.StartAsync(
            serverSettings: new Dictionary<string, string?> { ["Mcp:PubSub:MaxSessions"] = "2" });
        await using var first = await harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        await using var second = await harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.ConnectAsync("2025-11-25", cancellationToken: Timeout));

        Assert.Contains("limit of 2 open sessions", error.ToString());
        Assert.Equal("one", await EchoAsync(first, "one"));
        Assert.Equal("two", await EchoAsync(second, "two"));
    }

    private static async Task<string> EchoAsync(ModelContextProtocol.Client.McpClient client, string text) =>
        McpFeatureTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = text }, cancellationToken: Timeout));
}
