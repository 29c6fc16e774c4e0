using ModelContextProtocol;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>
/// Faults of real processes under a run file: the apps are OS processes, the emulated sidecars, topics, actor
/// placement and state store live in the runner (as daprd, placement, the scheduler and Redis outlive an app in a real
/// run). Each asserts that no request is lost and none hangs. One at a time: each starts its own server and proxy.
/// </summary>
[Collection(nameof(ProcessFaultTests))]
public sealed class ProcessFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_replica_killed_during_a_long_tool_call_is_answered_by_the_new_owner_of_the_actor_session()
    {
        await using var run = await ServerAndProxyRun.StartAsync(serverReplicas: 2, Ct);

        // The second replica's app port was picked by the run; below the kernel's ephemeral range, so no sidecar's bind to
        // port 0 (nor an outgoing connection) could take it before the app bound it (RunFiles/FreePorts.cs).
        var second = run.Run.Replicas.Single(r => r.App.AppId == "server" && r.Index == 1);
        Assert.NotEqual(run.Run.Replicas.Single(r => r.App.AppId == "server" && r.Index == 0).AppPort, second.AppPort);
        if (RunFiles.FreePorts.EphemeralStart() is { } ephemeral)
        {
            Assert.InRange(second.AppPort, 1, ephemeral - 1);
        }

        await using var client = await run.ConnectAsync(Ct);
        Assert.Equal("before", await ServerAndProxyRun.EchoAsync(client, "before", Ct));

        // The replica that runs the call logs it: that is the session's owner.
        var handled = run.Output.NextLineAsync(l => l.Contains("method 'tools/call' request handler called", StringComparison.Ordinal), Ct);
        var progressed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 400, ["stepMilliseconds"] = 50 },
            new Progress<ProgressNotificationValue>(_ => progressed.TrySetResult()), cancellationToken: Ct).AsTask();
        var handledLine = await handled.WaitAsync(ServerAndProxyRun.CallDeadline, Ct);
        var owner = run.Run.Replicas.Single(r => handledLine.StartsWith($"== APP - {r.Name} == ", StringComparison.Ordinal));
        await progressed.Task.WaitAsync(ServerAndProxyRun.CallDeadline, Ct);

        await owner.KillAsync();

        // Answered, not hung: the session's in-flight check fires on the surviving replica, which reports the request interrupted.
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => call.WaitAsync(ServerAndProxyRun.CallDeadline, Ct));
        Assert.Equal(-32015, (int)error.ErrorCode); // McpWireErrorCodes.RequestInterrupted (docs/sessions.md)

        // The session goes on, on the other replica, and nothing sent after the kill is lost.
        var survivor = run.Run.Replicas.Single(r => r.App.AppId == "server" && r != owner);
        var next = run.Output.NextLineAsync(l => l.Contains("method 'tools/call' request handler called", StringComparison.Ordinal), Ct);
        var outcomes = await ServerAndProxyRun.CallAllAsync(client, Enumerable.Range(0, 10).Select(i => $"after {i}"), Ct);
        Assert.Equal(new ServerAndProxyRun.Outcomes(10, 0, 0, 0), outcomes);
        Assert.StartsWith($"== APP - {survivor.Name} == ", await next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_server_restarted_keeps_its_sessions_and_answers_what_was_sent_while_it_was_down()
    {
        await using var run = await ServerAndProxyRun.StartAsync(serverReplicas: 1, Ct);
        await using var client = await run.ConnectAsync(Ct);
        Assert.Equal("before", await ServerAndProxyRun.EchoAsync(client, "before", Ct));
        var server = run.Run.Replica("server");

        await server.StopAsync();
        Assert.Null(server.ProcessId);
        // These calls wait for a whole server process to start again (20 s and more on a loaded machine) before their
        // own time counts, so they get a minute more than a call to a running server.
        var whileDown = ServerAndProxyRun.CallAllAsync(client, Enumerable.Range(0, 5).Select(i => $"while down {i}"), Ct, ServerAndProxyRun.CallDeadline + TimeSpan.FromMinutes(1));
        await server.StartAsync(Ct);

        // The requests waited on the topic; the session came back from the actor state store, which outlived the process.
        Assert.Equal(new ServerAndProxyRun.Outcomes(5, 0, 0, 0), await whileDown);
        Assert.Equal("after", await ServerAndProxyRun.EchoAsync(client, "after", Ct));
    }

    [Fact]
    public async Task A_restarted_proxy_gives_clear_errors_to_the_clients_it_dropped_and_takes_new_ones()
    {
        await using var run = await ServerAndProxyRun.StartAsync(serverReplicas: 1, Ct);
        var client = await run.ConnectAsync(Ct);
        Assert.Equal("before", await ServerAndProxyRun.EchoAsync(client, "before", Ct));

        await run.Proxy.StopAsync();
        var whileDown = await ServerAndProxyRun.CallAllAsync(client, ["while down"], Ct);
        Assert.Equal(new ServerAndProxyRun.Outcomes(0, 1, 0, 0), whileDown);

        await run.Proxy.StartAsync(Ct);

        // The new proxy process does not know the old session: the held client gets an error, not a hang ...
        var stale = await ServerAndProxyRun.CallAllAsync(client, ["stale session"], Ct);
        Assert.Equal(0, stale.Hung + stale.Lost);
        await client.DisposeAsync();

        // ... and reconnecting works.
        await using var again = await run.ConnectAsync(Ct);
        Assert.Equal(new ServerAndProxyRun.Outcomes(5, 0, 0, 0), await ServerAndProxyRun.CallAllAsync(again, Enumerable.Range(0, 5).Select(i => $"again {i}"), Ct));
    }

    [Fact]
    public async Task A_sidecar_stopped_while_its_app_runs_holds_nothing_back_once_it_is_started_again()
    {
        await using var run = await ServerAndProxyRun.StartAsync(serverReplicas: 1, Ct);
        await using var client = await run.ConnectAsync(Ct);
        Assert.Equal("before", await ServerAndProxyRun.EchoAsync(client, "before", Ct));
        var server = run.Run.Replica("server");
        var pid = server.ProcessId;

        // The server's sidecar goes away: requests wait on the topic; the app keeps running.
        await server.StopSidecarAsync();
        var whileDown = ServerAndProxyRun.CallAllAsync(client, Enumerable.Range(0, 5).Select(i => $"server sidecar down {i}"), Ct);
        await server.StartSidecarAsync(Ct);
        Assert.Equal(pid, server.ProcessId);
        Assert.Equal(new ServerAndProxyRun.Outcomes(5, 0, 0, 0), await whileDown);

        // The proxy's sidecar goes away: the proxy cannot publish, so its client hears a clear error at once.
        await run.Proxy.StopSidecarAsync();
        var refused = await ServerAndProxyRun.CallAllAsync(client, ["proxy sidecar down"], Ct);
        Assert.Equal(new ServerAndProxyRun.Outcomes(0, 1, 0, 0), refused);
        await run.Proxy.StartSidecarAsync(Ct);

        // The proxy's gRPC channel to its sidecar reconnects with backoff (as after a daprd restart): until then calls
        // fail fast with the same clear error; then they are answered.
        var attempts = 0;
        ServerAndProxyRun.Outcomes outcome;
        do
        {
            outcome = await ServerAndProxyRun.CallAllAsync(client, [$"after {++attempts}"], Ct);
            Assert.Equal(0, outcome.Hung + outcome.Lost);
            if (outcome.Answered == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
            }
        }
        while (outcome.Answered == 0 && attempts < 40);
        Assert.Equal(1, outcome.Answered);
        TestContext.Current.TestOutputHelper?.WriteLine($"the proxy was answered again after {attempts} attempt(s)");
    }
}
