using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Client.Tasks;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Emulator.State;
using AsyncMcp.Dapr.Wire;
using AsyncMcp.Dapr.Workflows.Sessions;
using Dapr.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// The durable session hosts over the emulator, each through the same tests (Mcp:Sessions:Actors or
/// Mcp:Sessions:Workflows): several replicas of one server app, replicas that die or restart, duplicates, expiry,
/// close, the cap and foreign app-ids.
/// </summary>
public abstract class DurableSessionHostTests : IAsyncLifetime
{
    private const string ProbeTopic = "probe-replies";
    private DaprMcpHarness _harness = null!;
    private int _replicas;

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>The host's switch under <c>Mcp:Sessions</c>.</summary>
    protected abstract string Host { get; }

    private Dictionary<string, string?> Settings(string? idle = null, string? maxSessions = null, string? inFlightCheck = null) => new()
    {
        ["Mcp:Sessions:" + Host] = "true",
        ["Mcp:Sessions:InFlightCheckInterval"] = inFlightCheck ?? "00:00:00.200",
        ["Mcp:PubSub:SessionIdleTimeout"] = idle ?? "00:10:00",
        ["Mcp:PubSub:MaxSessions"] = maxSessions ?? "1000",
    };

    private async Task StartAsync(int replicas, Dictionary<string, string?>? settings = null)
    {
        settings ??= Settings();
        _harness = await DaprMcpHarness.StartAsync(settings);
        await ReplaceFirstReplicaAsync(settings);
        for (var i = 1; i < replicas; i++)
        {
            await StartReplicaAsync(settings);
        }
    }

    // The harness starts the first replica without the probe tool; replace it by one that has it.
    private async Task ReplaceFirstReplicaAsync(Dictionary<string, string?> settings)
    {
        var first = _harness.Server;
        await _harness.StopAsync(first);
        await StartReplicaAsync(settings);
    }

    private async Task<EmulatedApp> StartReplicaAsync(Dictionary<string, string?> settings)
    {
        var name = "replica-" + Interlocked.Increment(ref _replicas);
        return await _harness.StartServerAsync("server", settings, builder => AddProbeTool(builder, name));
    }

    /// <summary>A tool that says which replica ran it and what the session negotiated there.</summary>
    private static void AddProbeTool(WebApplicationBuilder builder, string replica) =>
        builder.Services.AddSingleton(McpServerTool.Create(
            (McpServer server) => $"{replica}|{server.NegotiatedProtocolVersion}|{server.ClientInfo?.Name}",
            new McpServerToolCreateOptions { Name = "where", Idempotent = true, ReadOnly = true }));

    // Stops the owner while a long tool call of the session runs there; the call ends in -32015.
    private async Task StopDuringALongCallAsync(McpClient client, EmulatedApp owner)
    {
        var progressed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 600, ["stepMilliseconds"] = 50 },
            new Progress<ProgressNotificationValue>(_ => progressed.TrySetResult()), cancellationToken: Timeout).AsTask();
        await progressed.Task.WaitAsync(Timeout);

        await _harness.StopAsync(owner);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => call);
        Assert.Equal(McpWireErrorCodes.RequestInterrupted, (int)error.ErrorCode);
    }

    private static async Task<string[]> WhereAsync(McpClient client) =>
        McpFeatureTests.Text(await client.CallToolAsync("where", cancellationToken: Timeout)).Split('|');

    private static async Task<string> EchoAsync(McpClient client, string text) =>
        McpFeatureTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = text }, cancellationToken: Timeout));

    [Fact]
    public async Task Two_replicas_share_the_sessions_and_each_session_runs_on_one_of_them_only()
    {
        await StartAsync(replicas: 2);
        // Session ids are random and placement hashes them over a ring that need not split them evenly: sessions are
        // opened until both replicas own some (ten and more almost always do; a run of 64 on one replica would not be chance).
        var clients = new List<McpClient>();
        var owners = new List<string>();
        while (clients.Count < 10 || (owners.Distinct().Count() < 2 && clients.Count < 64))
        {
            var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
            clients.Add(client);
            var seen = new HashSet<string>();
            for (var call = 0; call < 3; call++)
            {
                seen.Add((await WhereAsync(client))[0]);
                Assert.Equal($"call {call}", await EchoAsync(client, $"call {call}"));
            }

            owners.Add(Assert.Single(seen));
        }

        Assert.Equal(2, owners.Distinct().Count());
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_replica_stopped_during_a_long_tool_call_leaves_an_error_and_the_session_goes_on_elsewhere()
    {
        await StartAsync(replicas: 2);
        var (client, owner, before) = await SessionOnReplicaAsync("replica-2");
        await StopDuringALongCallAsync(client, owner);
        var where = await WhereAsync(client);
        Assert.Equal("replica-1", where[0]);
        Assert.Equal("2025-11-25", where[1]);
        Assert.Equal(before[1..], where[1..]);
        Assert.Equal("after", await EchoAsync(client, "after"));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_server_restarted_with_the_same_state_store_keeps_the_sessions_opened_before()
    {
        await StartAsync(replicas: 1);
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("before", await EchoAsync(client, "before"));
        var before = await WhereAsync(client);

        await _harness.StopAsync(_harness.Server);
        await StartReplicaAsync(Settings());

        var where = await WhereAsync(client);
        Assert.Equal("replica-2", where[0]);
        Assert.Equal(before[1..], where[1..]);
        Assert.Equal("after", await EchoAsync(client, "after"));
    }

    [Fact]
    public async Task Every_message_of_a_session_delivered_twice_is_handled_once()
    {
        await StartAsync(replicas: 2);
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("one", await EchoAsync(client, "one"));
        Assert.Equal("two", await EchoAsync(client, "two"));

        await RedeliverAndExpectNoReplyAsync(_harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic));
        Assert.Equal("three", await EchoAsync(client, "three"));
    }

    [Fact]
    public async Task An_idle_session_expires_and_a_later_message_gets_session_not_found()
    {
        // Long enough that a loaded machine does not expire the session between its first messages.
        await StartAsync(replicas: 1, Settings(idle: "00:00:02"));
        var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("x", await EchoAsync(client, "x"));
        var counter = _harness.Server.App.Services.GetRequiredService<SessionCounter>();

        while (await counter.ReadAsync(Timeout) > 0)
        {
            await Task.Delay(50, Timeout);
        }

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => EchoAsync(client, "late"));
        Assert.Equal(McpWireErrorCodes.SessionNotFound, (int)error.ErrorCode);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_closed_session_answers_session_not_found()
    {
        await StartAsync(replicas: 2);
        var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var sessionId = client.SessionId!;
        Assert.Equal("x", await EchoAsync(client, "x"));
        var counter = _harness.Server.App.Services.GetRequiredService<SessionCounter>();

        await client.DisposeAsync();
        while (await counter.ReadAsync(Timeout) > 0)
        {
            await Task.Delay(50, Timeout);
        }

        await InjectAsync(Event("after-close", sessionId, "client"));
        var reply = await ReplyAsync();
        Assert.Equal(McpWireErrorCodes.SessionNotFound, (int?)reply["data"]!["error"]!["code"]);
    }

    [Fact]
    public async Task The_session_cap_holds_across_replicas()
    {
        await StartAsync(replicas: 2, Settings(maxSessions: "2"));
        await using var first = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        await using var second = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        var error = await Assert.ThrowsAsync<McpProtocolException>(async () => await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout));

        Assert.Equal(McpWireErrorCodes.TooManySessions, (int)error.ErrorCode);
        Assert.Equal("still", await EchoAsync(first, "still"));
    }

    [Fact]
    public async Task A_burst_of_concurrent_opens_on_two_replicas_fills_the_cap_exactly()
    {
        await StartAsync(replicas: 2, Settings(maxSessions: "10"));
        var counter = _harness.Server.App.Services.GetRequiredService<SessionCounter>();

        // All at once: the sidecars deliver them concurrently to both replicas.
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => InjectAsync(Initialize($"burst-{i}"))));
        while (_harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic).Count < 30)
        {
            await Task.Delay(20, Timeout);
        }

        var replies = _harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic)
            .Select(m => JsonNode.Parse(m.Body.Span)!["data"]!).ToList();
        Assert.Equal(10, replies.Count(r => r["result"] is not null));
        Assert.Equal(20, replies.Count(r => (int?)r["error"]?["code"] == McpWireErrorCodes.TooManySessions));
        Assert.Equal(10, await counter.ReadAsync(Timeout));
    }

    [Fact]
    public async Task A_session_used_from_another_app_id_is_refused_and_the_owner_keeps_it()
    {
        await StartAsync(replicas: 2);
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        await InjectAsync(Event("intruder-1", client.SessionId!, "intruder"));

        var reply = await ReplyAsync();
        Assert.Equal(McpWireErrorCodes.SessionForbidden, (int?)reply["data"]!["error"]!["code"]);
        Assert.Equal("mine", await EchoAsync(client, "mine"));
    }

    [Fact]
    public async Task A_tool_run_as_a_task_inside_a_durable_session_is_read_back_through_the_session()
    {
        await StartAsync(replicas: 2);
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);

        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 3, ["stepMilliseconds"] = 10 }, cancellationToken: Timeout);
        var result = await client.GetTaskResultAsync(task.TaskId, Timeout);

        Assert.Equal("job done after 3 steps", McpFeatureTests.Text(result));
        Assert.Equal("completed", (await client.GetTaskAsync(task.TaskId, Timeout)).Status);
        Assert.Equal("still", await EchoAsync(client, "still"));
    }

    [Fact]
    public async Task Sampling_works_whichever_replica_the_clients_answer_lands_on()
    {
        await StartAsync(replicas: 2);
        var handlers = new McpClientHandlers
        {
            SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
            {
                Model = "test-model",
                Role = Role.Assistant,
                Content = [new TextContentBlock { Text = "short" }],
            }),
        };

        // Answers go to whichever replica the broker picks; over several sessions and calls both the owner and the other replica get some.
        for (var i = 0; i < 4; i++)
        {
            await using var client = await _harness.ConnectAsync("2025-11-25", handlers, Timeout);
            for (var call = 0; call < 3; call++)
            {
                var result = McpFeatureTests.Text(await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "long text" }, cancellationToken: Timeout));
                Assert.Equal("summary from test-model: short", result);
            }
        }
    }

    // The actor saves the session once per message; an answer costs no write of its own but leaves the in-flight list
    // with the next save (docs/sessions.md, "What the actor keeps").
    protected async Task A_call_costs_its_session_one_state_write_and_its_answer_noneAsync()
    {
        await StartAsync(replicas: 1, Settings(inFlightCheck: "00:01:00"));
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("warm", await EchoAsync(client, "warm"));
        var before = await SettledStateAsync(client.SessionId!);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal($"call {i}", await EchoAsync(client, $"call {i}"));
        }

        var after = SessionState(client.SessionId!);
        Assert.Equal(long.Parse(before.ETag, CultureInfo.InvariantCulture) + 10, long.Parse(after.ETag, CultureInfo.InvariantCulture));
        // Each save took the answers before it off the list: only the last call, answered since, is still on it.
        Assert.Single(InFlight(after));
    }

    // While requests keep coming, the in-flight check leaves the answers to the next message's save: over several checks
    // of a busy session, the record is written once per request and never by a check.
    protected async Task A_busy_sessions_in_flight_checks_write_nothingAsync()
    {
        await StartAsync(replicas: 1, Settings(inFlightCheck: "00:00:01"));
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("warm", await EchoAsync(client, "warm"));
        var before = await SettledStateAsync(client.SessionId!);

        // Four loops on one session, so that every check finds requests since the one before; three checks or more pass.
        var requests = 0;
        var until = DateTimeOffset.UtcNow.AddSeconds(3.5);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async loop =>
        {
            while (DateTimeOffset.UtcNow < until)
            {
                Assert.Equal($"busy {loop}", await EchoAsync(client, $"busy {loop}"));
                Interlocked.Increment(ref requests);
            }
        }));

        var after = SessionState(client.SessionId!);
        Assert.Equal(long.Parse(before.ETag, CultureInfo.InvariantCulture) + requests, long.Parse(after.ETag, CultureInfo.InvariantCulture));
    }

    // With no message after it, an answer leaves the in-flight list at the next in-flight check, which then ends.
    protected async Task An_answer_with_no_message_after_it_is_saved_by_the_in_flight_check_and_the_check_then_stopsAsync()
    {
        await StartAsync(replicas: 1);
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("one", await EchoAsync(client, "one"));
        var sessionId = client.SessionId!;

        while (InFlight(SessionState(sessionId)).Count > 0 || InFlightReminderRegistered(sessionId))
        {
            await Task.Delay(50, Timeout);
        }

        Assert.Equal("two", await EchoAsync(client, "two"));
    }

    // The answer taken off the list by the next message's save is not answered again when the owner dies with that
    // next request in flight; the request in flight gets -32015 (docs/sessions.md, "Requests in flight").
    protected async Task An_answer_saved_with_the_next_message_is_not_answered_again_when_the_owner_diesAsync()
    {
        await StartAsync(replicas: 2, Settings(inFlightCheck: "00:00:01"));
        var (client, owner, _) = await SessionOnReplicaAsync("replica-2");
        Assert.Equal("answered", await EchoAsync(client, "answered"));
        await StopDuringALongCallAsync(client, owner);
        Assert.Equal("after", await EchoAsync(client, "after"));
        var answeredId = RequestIdOf(client.SessionId!, "answered");
        Assert.Single(RepliesTo(client.SessionId!, answeredId));
        await client.DisposeAsync();
    }

    // A cancelled request gets no answer (MCP cancellation): the cancellation takes it off the actor's in-flight list, or
    // the list would keep it for good, and a new owner would answer it with -32015 (docs/sessions.md, "Requests in flight").
    protected async Task A_cancelled_request_leaves_the_in_flight_listAsync()
    {
        await StartAsync(replicas: 1);
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var sessionId = client.SessionId!;
        var progressed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        var call = client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 600, ["stepMilliseconds"] = 50 },
            new Progress<ProgressNotificationValue>(_ => progressed.TrySetResult()), cancellationToken: cancel.Token).AsTask();
        await progressed.Task.WaitAsync(Timeout);
        var cancelledId = Messages(DaprMcpHarness.ServerTopic, sessionId)
            .First(m => (string?)m["method"] == "tools/call" && (string?)m["params"]?["name"] == "slow_job")["id"]!.ToJsonString();
        Assert.Contains(cancelledId, InFlightIds(sessionId));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        // The cancellation went before this call; once the call's answer has left the list, so has the cancelled request.
        Assert.Equal("after", await EchoAsync(client, "after"));
        var afterId = RequestIdOf(sessionId, "after");
        while (InFlightIds(sessionId).Contains(afterId))
        {
            await Task.Delay(50, Timeout);
        }

        Assert.DoesNotContain(cancelledId, InFlightIds(sessionId));
    }

    private List<string?> InFlightIds(string sessionId) => [.. InFlight(SessionState(sessionId)).Select(r => (string?)r!["id"])];

    // An ended session's workflow instance leaves the workflow store (docs/sessions.md, "Ended sessions").
    protected async Task A_closed_sessions_workflow_instance_is_purgedAsync()
    {
        await StartAsync(replicas: 2);
        var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var instanceId = SessionInstance(client.SessionId!);
        Assert.Equal("x", await EchoAsync(client, "x"));
        Assert.True(await InstanceExistsAsync(instanceId));

        await client.DisposeAsync();

        while (await InstanceExistsAsync(instanceId))
        {
            await Task.Delay(200, Timeout);
        }
    }

    // A session whose instance an operator terminated is gone for its client, gives its slot back and is purged.
    protected async Task A_session_terminated_with_workflow_tooling_is_not_found_and_gives_its_slot_backAsync()
    {
        await StartAsync(replicas: 1, Settings(maxSessions: "1"));
        var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var instanceId = SessionInstance(client.SessionId!);
        Assert.Equal("x", await EchoAsync(client, "x"));
        var workflows = _harness.Server.App.Services.GetRequiredService<IDaprWorkflowClient>();

        await workflows.TerminateWorkflowAsync(instanceId, null, Timeout);
        while ((await workflows.GetWorkflowStateAsync(instanceId, false, Timeout))?.RuntimeStatus != WorkflowRuntimeStatus.Terminated)
        {
            await Task.Delay(50, Timeout);
        }

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => EchoAsync(client, "late"));
        Assert.Equal(McpWireErrorCodes.SessionNotFound, (int)error.ErrorCode);
        Assert.False(await InstanceExistsAsync(instanceId));
        await using var next = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("next", await EchoAsync(next, "next"));
        await client.DisposeAsync();
    }

    // A session an operator terminated that no message ever names again: only the ended-session sweep purges its
    // instance and gives its slot back (the cap is 1, so the next session opens only once it has).
    protected async Task A_terminated_session_no_message_names_is_swept_and_gives_its_slot_backAsync()
    {
        var settings = Settings(maxSessions: "1");
        settings["Mcp:Sessions:EndedSweepInterval"] = "00:00:00.200";
        await StartAsync(replicas: 1, settings);
        var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        var instanceId = SessionInstance(client.SessionId!);
        Assert.Equal("x", await EchoAsync(client, "x"));
        var workflows = _harness.Server.App.Services.GetRequiredService<IDaprWorkflowClient>();
        var counter = _harness.Server.App.Services.GetRequiredService<SessionCounter>();
        Assert.Equal(1, await counter.ReadAsync(Timeout));

        await workflows.TerminateWorkflowAsync(instanceId, null, Timeout);

        // Without the sweep this waits until the deadline: the terminated instance keeps its slot and stays in the store.
        var deadline = TestDeadline.Current;
        while (await InstanceExistsAsync(instanceId) || await counter.ReadAsync(deadline) > 0)
        {
            await Task.Delay(100, deadline);
        }

        await using var next = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        Assert.Equal("next", await EchoAsync(next, "next"));
        Assert.Equal(1, await counter.ReadAsync(Timeout));
        await client.DisposeAsync();
    }

    // The end activity runs at least once (a retry after a lost reply): the counter gives one session's slot back once.
    protected async Task A_sessions_slot_is_given_back_once_however_often_its_end_runsAsync()
    {
        await StartAsync(replicas: 1);
        var counter = _harness.Server.App.Services.GetRequiredService<SessionCounter>();
        Assert.True(await counter.TryReserveAsync(Timeout));
        Assert.True(await counter.TryReserveAsync(Timeout));

        await counter.ReleaseSessionAsync("ended-1", Timeout);
        await counter.ReleaseSessionAsync("ended-1", Timeout);

        Assert.Equal(1, await counter.ReadAsync(Timeout));
        await counter.ReleaseSessionAsync("ended-2", Timeout);
        Assert.Equal(0, await counter.ReadAsync(Timeout));
    }

    // What an idle session leaves in the state store once more messages than its de-duplication window holds have gone
    // through it: the instance's rows (metadata, history, custom status) stay within 4 KB, the target of
    // docs/benchmarks.md, with the whole window in them; and redeliveries of the last messages are still dropped.
    protected async Task An_idle_sessions_workflow_state_stays_within_4_KB_with_its_window_fullAsync()
    {
        await StartAsync(replicas: 1);
        await using var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
        for (var i = 0; i < 300; i++)
        {
            await client.PingAsync(cancellationToken: Timeout);
        }

        // Quiet: the next check starts a fresh generation, whose history holds no message. Measured once nothing is
        // pending either (no inbox row, such as a timer that has fired but whose turn has not run) and the rows have
        // stayed the same for a moment: a turn in progress adds rows that the idle state does not keep.
        var instanceId = SessionInstance(client.SessionId!);
        var store = _harness.Emulator.StateStore(DaprMcpHarness.StateStore)!;
        Func<string, bool> ofInstance = key => key.Contains("||" + instanceId + "||", StringComparison.Ordinal);
        (int Keys, long Bytes) last = default;
        while (true)
        {
            var quiet = !InstanceRows(instanceId).Any(e => e.EventRaised is not null)
                && store.KeysLike($"server||dapr.internal.default.server.workflow||{instanceId}||inbox-", string.Empty).Count == 0;
            var size = store.Size(ofInstance);
            if (quiet && size == last)
            {
                break;
            }

            last = quiet ? size : default;
            await Task.Delay(200, Timeout);
        }

        var (keys, bytes) = last;
        Assert.True(bytes <= 4 * 1024, $"{keys} rows of {bytes} bytes");
        var record = JsonNode.Parse(InstanceRows(instanceId).Single(e => e.ExecutionStarted is not null).ExecutionStarted.Input)!;
        Assert.Equal(new WorkflowSessionOptions().DeduplicationWindow * 8, Convert.FromBase64String((string)record["seenDigests"]!).Length);

        var pings = _harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic)
            .Where(m => (string?)JsonNode.Parse(m.Body.Span)![McpCloudEventAttributes.SessionId] == client.SessionId)
            .TakeLast(100).ToList();
        await RedeliverAndExpectNoReplyAsync(pings);
        await client.PingAsync(cancellationToken: Timeout);
    }

    // Delivers the client's messages again and waits until the sidecar settled each: none may be answered twice.
    private async Task RedeliverAndExpectNoReplyAsync(IReadOnlyList<PublishedMessage> messages)
    {
        var replyTopic = ReplyTopic();
        var repliesBefore = _harness.Emulator.Published(DaprMcpHarness.PubSub, replyTopic).Count;
        var settled = 0;
        var allSettled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Emulator.MessageSettled += (_, outcome) =>
        {
            if (outcome.Topic == DaprMcpHarness.ServerTopic && Interlocked.Increment(ref settled) == messages.Count)
            {
                allSettled.TrySetResult();
            }
        };

        foreach (var message in messages)
        {
            await _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, message.Body, ct: Timeout);
        }

        await allSettled.Task.WaitAsync(Timeout);
        Assert.Equal(repliesBefore, _harness.Emulator.Published(DaprMcpHarness.PubSub, replyTopic).Count);
    }

    // The history rows of a workflow instance, as the workflow engine stores them (protobuf HistoryEvent per row).
    private List<global::Dapr.DurableTask.Protobuf.HistoryEvent> InstanceRows(string instanceId)
    {
        var store = _harness.Emulator.StateStore(DaprMcpHarness.StateStore)!;
        return store.KeysLike($"server||dapr.internal.default.server.workflow||{instanceId}||history-", string.Empty)
            .Select(key => store.Get(key))
            .OfType<StateItem>()
            .Select(item => global::Dapr.DurableTask.Protobuf.HistoryEvent.Parser.ParseFrom(item.Value))
            .ToList();
    }

    private static string SessionInstance(string sessionId) => new WorkflowSessionOptions().InstanceIdPrefix + sessionId;

    private async Task<bool> InstanceExistsAsync(string instanceId) =>
        await _harness.Server.App.Services.GetRequiredService<IDaprWorkflowClient>().GetWorkflowStateAsync(instanceId, false, Timeout) is { Exists: true };

    // The session's record and ETag as the actor state store holds them (daprd's key "{appId}||{type}||{id}||{key}").
    private StateItemView SessionState(string sessionId)
    {
        var item = _harness.Emulator.StateStore(DaprMcpHarness.StateStore)!.Get($"server||McpSession||{sessionId}||session")
            ?? throw new InvalidOperationException("No state for session " + sessionId);
        return new StateItemView(JsonNode.Parse(item.Value)!.AsObject(), item.ETag);
    }

    private static JsonArray InFlight(StateItemView state) => state.Value["inFlight"]!.AsArray();

    // The record once notifications/initialized has been saved: the client sends it before its first request, but
    // pub/sub may deliver it after that request's answer, and its save would land in the middle of a count of writes.
    private async Task<StateItemView> SettledStateAsync(string sessionId)
    {
        await Wait.UntilAsync(() => SessionState(sessionId).Value["replay"]!.AsArray().Count >= 2, "notifications/initialized in the session's record");
        return SessionState(sessionId);
    }

    private bool InFlightReminderRegistered(string sessionId) =>
        _harness.Emulator.StateStore(DaprMcpHarness.StateStore)!.Get("actors||McpSession") is { } reminders &&
        JsonNode.Parse(reminders.Value)!.AsArray().Any(r => (string?)r!["actorID"] == sessionId && (string?)r["name"] == "asyncmcp-inflight");

    // The JSON-RPC id of the session's tools/call whose text argument was the given one, as JSON text.
    private string RequestIdOf(string sessionId, string text) =>
        Messages(DaprMcpHarness.ServerTopic, sessionId)
            .First(m => (string?)m["method"] == "tools/call" && (string?)m["params"]?["arguments"]?["text"] == text)["id"]!.ToJsonString();

    private List<JsonObject> RepliesTo(string sessionId, string requestId) =>
        Messages(ReplyTopic(), sessionId).Where(m => m["id"]?.ToJsonString() == requestId && m["method"] is null).ToList();

    private IEnumerable<JsonObject> Messages(string topic, string sessionId) =>
        _harness.Emulator.Published(DaprMcpHarness.PubSub, topic)
            .Select(m => JsonNode.Parse(m.Body.Span)!.AsObject())
            .Where(e => (string?)e[McpCloudEventAttributes.SessionId] == sessionId && e["data"] is JsonObject)
            .Select(e => e["data"]!.AsObject());

    private sealed record StateItemView(JsonObject Value, string ETag);

    private async Task<(McpClient Client, EmulatedApp Owner, string[] Where)> SessionOnReplicaAsync(string replica)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var client = await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout);
            var where = await WhereAsync(client);
            if (where[0] == replica)
            {
                return (client, _harness.Servers[int.Parse(replica["replica-".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1], where);
            }

            await client.DisposeAsync();
        }

        throw new InvalidOperationException("No session was placed on " + replica);
    }

    private static string ReplyTopic() => "mcp-replies-client";

    private Task InjectAsync(JsonObject cloudEvent) =>
        _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()), ct: Timeout);

    private async Task<JsonObject> ReplyAsync()
    {
        while (_harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic).Count == 0)
        {
            await Task.Delay(20, Timeout);
        }

        return JsonNode.Parse(_harness.Emulator.Published(DaprMcpHarness.PubSub, ProbeTopic)[0].Body.Span)!.AsObject();
    }

    private static JsonObject Event(string id, string sessionId, string source) =>
        ProbeEvents.Message(id, source, $"pubsub://{DaprMcpHarness.PubSub}/{ProbeTopic}",
            new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 3, ["method"] = "tools/list", ["params"] = new JsonObject() }, sessionId);

    private static JsonObject Initialize(string id) =>
        ProbeEvents.Message(id, "client", $"pubsub://{DaprMcpHarness.PubSub}/{ProbeTopic}", ProbeEvents.Initialize("burst"));
}

/// <summary>Sessions hosted as Dapr actors.</summary>
public sealed class ActorSessionTests : DurableSessionHostTests
{
    protected override string Host => "Actors";

    // How the actor keeps its record (one write per message, none per answer) is the actor host's own.
    [Fact]
    public Task A_call_costs_its_session_one_state_write_and_its_answer_none() => A_call_costs_its_session_one_state_write_and_its_answer_noneAsync();

    [Fact]
    public Task A_busy_sessions_in_flight_checks_write_nothing() => A_busy_sessions_in_flight_checks_write_nothingAsync();

    [Fact]
    public Task An_answer_with_no_message_after_it_is_saved_by_the_in_flight_check_and_the_check_then_stops() => An_answer_with_no_message_after_it_is_saved_by_the_in_flight_check_and_the_check_then_stopsAsync();

    [Fact]
    public Task A_cancelled_request_leaves_the_in_flight_list() => A_cancelled_request_leaves_the_in_flight_listAsync();

    [Fact]
    public Task An_answer_saved_with_the_next_message_is_not_answered_again_when_the_owner_dies() => An_answer_saved_with_the_next_message_is_not_answered_again_when_the_owner_diesAsync();
}

/// <summary>Sessions hosted as Dapr workflow instances.</summary>
public sealed class WorkflowSessionTests : DurableSessionHostTests
{
    protected override string Host => "Workflows";

    // Ended instances are purged, and ones ended by Dapr's workflow tooling are cleaned up: the workflow host's own.
    [Fact]
    public Task An_idle_sessions_workflow_state_stays_within_4_KB_with_its_window_full() =>
        An_idle_sessions_workflow_state_stays_within_4_KB_with_its_window_fullAsync();

    [Fact]
    public Task A_closed_sessions_workflow_instance_is_purged() => A_closed_sessions_workflow_instance_is_purgedAsync();

    [Fact]
    public Task A_sessions_slot_is_given_back_once_however_often_its_end_runs() => A_sessions_slot_is_given_back_once_however_often_its_end_runsAsync();

    [Fact]
    public Task A_session_terminated_with_workflow_tooling_is_not_found_and_gives_its_slot_back() =>
        A_session_terminated_with_workflow_tooling_is_not_found_and_gives_its_slot_backAsync();

    [Fact]
    public Task A_terminated_session_no_message_names_is_swept_and_gives_its_slot_back() =>
        A_terminated_session_no_message_names_is_swept_and_gives_its_slot_backAsync();
}
