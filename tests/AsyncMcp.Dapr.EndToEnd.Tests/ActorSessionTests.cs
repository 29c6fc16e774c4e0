using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Server.Sessions.Actors;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// Sessions hosted as Dapr actors (Mcp:Sessions:Actors=true) over the emulator: several replicas of one server app,
/// replicas that die or restart, duplicates, expiry, close, the cap and foreign app-ids.
/// </summary>
public sealed class ActorSessionTests : IAsyncLifetime
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

    private static Dictionary<string, string?> Settings(string? idle = null, string? maxSessions = null) => new()
    {
        ["Mcp:Sessions:Actors"] = "true",
        ["Mcp:Sessions:InFlightCheckInterval"] = "00:00:00.200",
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

    private static async Task<string[]> WhereAsync(McpClient client) =>
        McpFeatureTests.Text(await client.CallToolAsync("where", cancellationToken: Timeout)).Split('|');

    private static async Task<string> EchoAsync(McpClient client, string text) =>
        McpFeatureTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = text }, cancellationToken: Timeout));

    [Fact]
    public async Task Two_replicas_share_the_sessions_and_each_session_runs_on_one_of_them_only()
    {
        await StartAsync(replicas: 2);
        var clients = new List<McpClient>();
        for (var i = 0; i < 10; i++)
        {
            clients.Add(await _harness.ConnectAsync("2025-11-25", cancellationToken: Timeout));
        }

        var owners = new List<string>();
        foreach (var client in clients)
        {
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
        var progressed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 600, ["stepMilliseconds"] = 50 },
            new Progress<ProgressNotificationValue>(_ => progressed.TrySetResult()), cancellationToken: Timeout).AsTask();
        await progressed.Task.WaitAsync(Timeout);

        await _harness.StopAsync(owner);

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => call);
        Assert.Equal(McpWireErrorCodes.RequestInterrupted, (int)error.ErrorCode);
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

        var requests = _harness.Emulator.Published(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic);
        var replyTopic = ReplyTopic();
        var repliesBefore = _harness.Emulator.Published(DaprMcpHarness.PubSub, replyTopic).Count;
        var settled = 0;
        var allSettled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Emulator.MessageSettled += (_, outcome) =>
        {
            if (outcome.Topic == DaprMcpHarness.ServerTopic && Interlocked.Increment(ref settled) == requests.Count)
            {
                allSettled.TrySetResult();
            }
        };

        foreach (var request in requests)
        {
            await _harness.Emulator.InjectAsync(DaprMcpHarness.PubSub, DaprMcpHarness.ServerTopic, request.Body, ct: Timeout);
        }

        await allSettled.Task.WaitAsync(Timeout);
        Assert.Equal(repliesBefore, _harness.Emulator.Published(DaprMcpHarness.PubSub, replyTopic).Count);
        Assert.Equal("three", await EchoAsync(client, "three"));
    }

    [Fact]
    public async Task An_idle_session_expires_and_a_later_message_gets_session_not_found()
    {
        await StartAsync(replicas: 1, Settings(idle: "00:00:00.500"));
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
