using ModelContextProtocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>Many front sessions at once, a server that does not answer in time, and a backend session that expired.</summary>
public sealed class ConcurrencyAndFaultTests
{
    [Fact]
    public async Task Twenty_front_sessions_with_interleaved_calls_each_get_only_their_own_replies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ProxyHarness.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => harness.ConnectAsync(i % 2 == 0 ? "2025-11-25" : null, cancellationToken: ct)));
        try
        {
            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                for (var call = 0; call < 5; call++)
                {
                    var text = $"client {i} call {call}";
                    var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = text }, cancellationToken: ct);
                    Assert.Equal(text, StreamableHttpFrontTests.Text(result));
                }
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_ends_the_request_in_a_jsonrpc_error_and_the_session_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        // The timeout bounds every request, initialize included: 4 s leaves a loaded machine room to open the session,
        // and the 20 s call still outlasts it.
        await using var harness = await ProxyHarness.StartAsync(new Dictionary<string, string?> { ["Proxy:RequestTimeout"] = "00:00:04" });
        await using var client = await harness.ConnectAsync("2025-11-25", cancellationToken: ct);
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync(
            "slow_job", new Dictionary<string, object?> { ["steps"] = 1, ["stepMilliseconds"] = 20_000 }, cancellationToken: ct).AsTask());
        Assert.Equal(-32030, (int)error.ErrorCode);
        Assert.Equal("after", StreamableHttpFrontTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "after" }, cancellationToken: ct)));
    }

    [Fact]
    public async Task A_backend_session_that_expired_ends_the_front_session_and_the_client_can_initialize_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ProxyHarness.StartAsync(serverSettings: new Dictionary<string, string?> { ["Mcp:PubSub:SessionIdleTimeout"] = "00:00:00.300" });
        await using (var client = await harness.ConnectAsync("2025-11-25", cancellationToken: ct))
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), ct); // The server's idle timeout passes; the proxy's does not.
            var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.ListToolsAsync(cancellationToken: ct).AsTask());
            Assert.Equal(-32001, (int)error.ErrorCode);
            // The front session is gone too: the next request gets 404 (the SDK reports it as a transport error).
            await Assert.ThrowsAnyAsync<Exception>(() => client.ListToolsAsync(cancellationToken: ct).AsTask());
        }

        await using var fresh = await harness.ConnectAsync("2025-11-25", cancellationToken: ct);
        Assert.NotEmpty(await fresh.ListToolsAsync(cancellationToken: ct));
    }
}
