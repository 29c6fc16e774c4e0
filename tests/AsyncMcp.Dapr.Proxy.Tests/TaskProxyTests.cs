using System.Collections.Concurrent;
using AsyncMcp.Dapr.Client.Tasks;
using ModelContextProtocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// MCP tasks through the proxy, driven by standard clients over Streamable HTTP: the official TypeScript SDK's
/// experimental tasks API (2025-11-25) and the C# SDK client with the task helpers (2026-07-28 tasks extension). The
/// proxy passes tasks traffic through unchanged; the server runs each task as a Dapr workflow.
/// </summary>
public sealed class TaskProxyTests : IAsyncLifetime
{
    private ProxyHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await ProxyHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task The_typescript_sdk_client_creates_polls_reads_lists_and_cancels_tasks_through_the_proxy()
    {
        var log = await TypeScriptClientTests.RunClientScriptAsync("proxy-tasks-client.mjs", _harness.Endpoint);

        Assert.Contains("ok task created, polled and its result read", log, StringComparison.Ordinal);
        Assert.Contains("ok tasks/cancel of a running task", log, StringComparison.Ordinal);
        Assert.Contains("ALL OK", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csharp_sdk_client_uses_2026_tasks_through_the_proxy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await _harness.ConnectAsync("2026-07-28", cancellationToken: ct);

        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 3 }, cancellationToken: ct);
        Assert.NotEqual(string.Empty, task.TaskId);
        Assert.Equal("working", task.Status);
        var done = await client.WaitForTaskAsync(task.TaskId, ct);
        Assert.Equal("completed", done.Status);
        Assert.Equal("job done after 3 steps", done.Result!["content"]![0]!["text"]!.GetValue<string>());

        var running = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 1000 }, cancellationToken: ct);
        await client.CancelTaskAsync(running.TaskId, ct);
        Assert.Equal("cancelled", (await client.WaitForTaskAsync(running.TaskId, ct)).Status);

        var unknown = await Assert.ThrowsAsync<McpProtocolException>(() => client.GetTaskAsync("no-such-task", ct));
        Assert.Equal(McpErrorCode.InvalidParams, unknown.ErrorCode);
    }

    [Fact]
    public async Task A_2026_client_listening_through_the_proxy_is_told_its_tasks_status_on_its_own_stream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await _harness.ConnectAsync("2026-07-28", cancellationToken: ct);
        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 10, ["stepMilliseconds"] = 300 }, cancellationToken: ct);
        var pushed = new ConcurrentQueue<McpTaskInfo>();

        // The listener takes only notifications tagged with its own request id: the proxy maps the server's id back.
        await using var listener = await client.ListenToTasksAsync([task.TaskId], (t, _) => { pushed.Enqueue(t); return ValueTask.CompletedTask; }, ct);
        Assert.Equal([task.TaskId], listener.TaskIds);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!pushed.Any(t => t.Status == "completed") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        var completed = Assert.Single(pushed, t => t.Status == "completed");
        Assert.Equal("job done after 10 steps", completed.Result!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Contains(pushed, t => t.Status == "working");
    }
}
