using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>
/// SIGTERM and SIGINT sent to a real app process of a run, with tool calls in flight through the proxy: every call is
/// answered or ends with a clear JSON-RPC error (-32016) within the drain period, and the process exits within the
/// drain period and 5 s more. The app's sidecar stays up until its process has exited, as daprd keeps its API and
/// its deliveries up for the app during its graceful shutdown (dapr/dapr pkg/runtime/runtime.go, the
/// gracefulShutdownDuration and blockShutdownDuration waits; dapr/cli cmd/run_unix.go signals the app and waits), so
/// that the answers of the calls in flight still arrive while the app drains.
/// </summary>
public sealed class ShutdownSignalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task The_proxy_signalled_with_calls_in_flight_lets_them_finish_within_the_drain_period_and_exits(string signal)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM and SIGINT are POSIX signals.");
        var drain = TimeSpan.FromSeconds(4);
        await using var run = await ServerAndProxyRun.StartAsync(serverReplicas: 1, Ct, actorSessions: false, drainPeriod: drain);
        await using var client = await run.ConnectAsync(Ct);

        // Five calls of about 1.5 s each, all in flight when the signal comes.
        var calls = Enumerable.Range(0, 5).Select(_ => TimedAsync(client, steps: 3, stepMilliseconds: 500)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        var signalled = Stopwatch.StartNew();
        Signal(run.Proxy.ProcessId!.Value, signal);

        var outcomes = await Task.WhenAll(calls);
        await run.Proxy.Exited.WaitAsync(drain + TimeSpan.FromSeconds(30), Ct);
        var exitedAfter = signalled.Elapsed;
        Report(outcomes, exitedAfter);

        Assert.All(outcomes, o => Assert.Equal("done", o.Result));
        Assert.All(outcomes, o => Assert.True(o.EndedAfterSignal(signalled) <= drain, $"a call ended {o.Ended} after it started"));
        Assert.True(exitedAfter <= drain + TimeSpan.FromSeconds(5), $"the proxy exited {exitedAfter} after SIG{signal}");
        Assert.Equal(0, run.Proxy.ExitCode);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Calls_longer_than_the_drain_period_end_with_a_shutting_down_error_and_the_proxy_exits(string signal)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM and SIGINT are POSIX signals.");
        var drain = TimeSpan.FromSeconds(1);
        await using var run = await ServerAndProxyRun.StartAsync(serverReplicas: 1, Ct, actorSessions: false, drainPeriod: drain);
        await using var client = await run.ConnectAsync(Ct);

        // Calls of 20 s: none can finish within the drain period.
        var calls = Enumerable.Range(0, 3).Select(_ => TimedAsync(client, steps: 20, stepMilliseconds: 1000)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        var signalled = Stopwatch.StartNew();
        Signal(run.Proxy.ProcessId!.Value, signal);

        var outcomes = await Task.WhenAll(calls);
        await run.Proxy.Exited.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var exitedAfter = signalled.Elapsed;
        Report(outcomes, exitedAfter);

        Assert.All(outcomes, o => Assert.Equal(-32016, o.ErrorCode));
        Assert.All(outcomes, o => Assert.Contains("shutting down", o.Result, StringComparison.Ordinal));
        Assert.All(outcomes, o => Assert.True(o.EndedAfterSignal(signalled) <= drain + TimeSpan.FromSeconds(2), $"a call ended {o.Ended} after it started"));
        Assert.True(exitedAfter <= drain + TimeSpan.FromSeconds(5), $"the proxy exited {exitedAfter} after SIG{signal}");
    }

    [Fact]
    public async Task The_server_sigtermed_with_calls_in_flight_answers_them_and_refuses_new_ones_with_a_clear_error()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        var drain = TimeSpan.FromSeconds(4);
        await using var run = await ServerAndProxyRun.StartAsync(serverReplicas: 1, Ct, actorSessions: false, drainPeriod: drain);
        await using var client = await run.ConnectAsync(Ct);

        // The signal goes once the server runs every call (each has reported progress), so that none is still on its
        // way in and refused as new.
        var running = 0;
        var calls = Enumerable.Range(0, 5).Select(_ => TimedAsync(client, steps: 3, stepMilliseconds: 500, () => Interlocked.Increment(ref running))).ToList();
        while (Volatile.Read(ref running) < 5)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), Ct);
        }

        var signalled = Stopwatch.StartNew();
        Signal(run.Server.ProcessId!.Value, "TERM");
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        var late = await TimedAsync(client, steps: 1, stepMilliseconds: 10);

        var outcomes = await Task.WhenAll(calls);
        await run.Server.Exited.WaitAsync(drain + TimeSpan.FromSeconds(30), Ct);
        var exitedAfter = signalled.Elapsed;
        Report([.. outcomes, late], exitedAfter);

        Assert.All(outcomes, o => Assert.Equal("done", o.Result));
        Assert.Equal(-32016, late.ErrorCode);
        Assert.True(exitedAfter <= drain + TimeSpan.FromSeconds(5), $"the server exited {exitedAfter} after SIGTERM");
        Assert.Equal(0, run.Server.ExitCode);
    }

    [Theory]
    [InlineData("actors")]
    [InlineData("workflows")]
    public async Task A_durable_session_replica_sigtermed_finishes_or_refuses_its_calls_and_another_replica_takes_the_session_over(string host)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        var drain = TimeSpan.FromSeconds(3);
        await using var run = await ServerAndProxyRun.StartAsync(
            serverReplicas: 2, Ct, actorSessions: host == "actors", drainPeriod: drain, workflowSessions: host == "workflows");
        await using var client = await run.ConnectAsync(Ct);

        // The replica that runs the session's calls logs them: that is the replica the session lives on.
        var handled = run.Output.NextLineAsync(l => l.Contains("method 'tools/call' request handler called", StringComparison.Ordinal), Ct);
        Assert.Equal("before", await ServerAndProxyRun.EchoAsync(client, "before", Ct));
        var handledLine = await handled.WaitAsync(ServerAndProxyRun.CallDeadline, Ct);
        var owner = run.Run.Replicas.Single(r => handledLine.StartsWith($"== APP - {r.Name} == ", StringComparison.Ordinal));
        var survivor = run.Run.Replicas.Single(r => r.App.AppId == "server" && r != owner);

        // Two calls that finish within the drain period, two that cannot; all running when the signal comes.
        var running = 0;
        var shortCalls = Enumerable.Range(0, 2).Select(_ => TimedAsync(client, steps: 3, stepMilliseconds: 500, () => Interlocked.Increment(ref running))).ToList();
        var longCalls = Enumerable.Range(0, 2).Select(_ => TimedAsync(client, steps: 30, stepMilliseconds: 1000, () => Interlocked.Increment(ref running))).ToList();
        while (Volatile.Read(ref running) < 4)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), Ct);
        }

        var rebuilt = run.Output.NextLineAsync(l => l.StartsWith($"== APP - {survivor.Name} == ", StringComparison.Ordinal) && l.Contains("rebuilt on this replica", StringComparison.Ordinal), Ct);
        var signalled = Stopwatch.StartNew();
        Signal(owner.ProcessId!.Value, "TERM");
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        var late = await TimedAsync(client, steps: 1, stepMilliseconds: 10);

        var finished = await Task.WhenAll(shortCalls);
        var cut = await Task.WhenAll(longCalls);
        await owner.Exited.WaitAsync(drain + TimeSpan.FromSeconds(30), Ct);
        var exitedAfter = signalled.Elapsed;
        Report([.. finished, .. cut, late], exitedAfter);

        Assert.All(finished, o => Assert.Equal("done", o.Result));
        Assert.All(cut, o => Assert.Equal(-32016, o.ErrorCode));
        Assert.All(cut, o => Assert.True(o.EndedAfterSignal(signalled) <= drain + TimeSpan.FromSeconds(2), $"a call ended {o.Ended} after it started"));
        Assert.Equal(-32016, late.ErrorCode);
        Assert.True(exitedAfter <= drain + TimeSpan.FromSeconds(5), $"the replica exited {exitedAfter} after SIGTERM");
        Assert.Equal(0, owner.ExitCode);

        // The session outlives the drain: the other replica takes it over, with nothing left in flight to answer again
        // (the answered and refused requests left the session's record before the replica exited).
        var next = run.Output.NextLineAsync(l => l.Contains("method 'tools/call' request handler called", StringComparison.Ordinal), Ct);
        Assert.Equal("after", await ServerAndProxyRun.EchoAsync(client, "after", Ct));
        Assert.StartsWith($"== APP - {survivor.Name} == ", await next.WaitAsync(ServerAndProxyRun.CallDeadline, Ct), StringComparison.Ordinal);
        Assert.Contains(" 0 request(s) in flight answered with an error, 0 re-run", await rebuilt.WaitAsync(ServerAndProxyRun.CallDeadline, Ct), StringComparison.Ordinal);
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<CallOutcome> TimedAsync(McpClient client, int steps, int stepMilliseconds, Action? running = null)
    {
        var reported = 0;
        var progress = new SynchronousProgress(() =>
        {
            if (Interlocked.Exchange(ref reported, 1) == 0)
            {
                running?.Invoke();
            }
        });
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(ServerAndProxyRun.CallDeadline);
        try
        {
            var result = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = steps, ["stepMilliseconds"] = stepMilliseconds },
                progress, cancellationToken: deadline.Token);
            var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
            return new CallOutcome(started, Stopwatch.GetElapsedTime(started), text.Contains("done", StringComparison.OrdinalIgnoreCase) ? "done" : text, null);
        }
        catch (McpProtocolException e)
        {
            return new CallOutcome(started, Stopwatch.GetElapsedTime(started), e.Message, (int)e.ErrorCode);
        }
    }

    private static void Report(IEnumerable<CallOutcome> outcomes, TimeSpan exitedAfter) =>
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"exited {exitedAfter.TotalSeconds:0.00} s after the signal; calls: " +
            string.Join("; ", outcomes.Select(o => $"{o.Ended.TotalSeconds:0.00} s {o.ErrorCode} {o.Result}")));

    private sealed class SynchronousProgress(Action onReport) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => onReport();
    }

    private sealed record CallOutcome(long StartedAt, TimeSpan Ended, string Result, int? ErrorCode)
    {
        // How long after the signal the call ended.
        public TimeSpan EndedAfterSignal(Stopwatch signalled) => Ended - (Stopwatch.GetElapsedTime(StartedAt) - signalled.Elapsed);
    }
}
