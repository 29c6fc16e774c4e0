namespace AsyncMcp.Dapr.EndToEnd.Tests;

public sealed class ConcurrencyTests : IAsyncLifetime
{
    private DaprMcpHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await DaprMcpHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Fifty_concurrent_sessions_with_interleaved_calls_each_get_their_own_replies()
    {
        const int sessions = 50;
        const int callsPerSession = 6;
        var timeout = TestDeadline.Current;

        // Half pin the session-based generation, half use the sessionless one, all over the same reply topic.
        var clients = await Task.WhenAll(Enumerable.Range(0, sessions).Select(i =>
            _harness.ConnectAsync(i % 2 == 0 ? "2025-11-25" : null, cancellationToken: timeout)));
        try
        {
            var sessionIds = clients.Select(client => client.SessionId).Where(id => id is not null).ToList();
            Assert.Equal(sessions / 2, sessionIds.Distinct().Count());

            var calls = clients.SelectMany((client, i) => Enumerable.Range(0, callsPerSession).Select(async j =>
            {
                var text = $"session {i} call {j}";
                var tool = j % 3 == 0 ? "slow_job" : "echo";
                var arguments = tool == "echo"
                    ? new Dictionary<string, object?> { ["text"] = text }
                    : new Dictionary<string, object?> { ["steps"] = 1 + (i % 3), ["stepMilliseconds"] = 5 };
                var result = await client.CallToolAsync(tool, arguments, cancellationToken: timeout);
                return (Expected: tool == "echo" ? text : $"job done after {1 + (i % 3)} steps", Actual: McpFeatureTests.Text(result));
            }));
            var results = await Task.WhenAll(calls);

            Assert.Equal(sessions * callsPerSession, results.Length);
            Assert.All(results, result => Assert.Equal(result.Expected, result.Actual));
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }
}
