using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// Server memory and stored state per open idle session. The server runs in a process of its own
/// (<see cref="SessionServerProcess"/>); sessions are opened by injecting <c>initialize</c> events into the emulated broker
/// (no client objects anywhere), and the server's managed heap with all of them open is compared with its heap before
/// they were opened; the state store (in the sidecar's process, as with daprd) is weighed the same way.
/// </summary>
internal static class SessionMemoryBenchmark
{
    /// <param name="Host">Which session host held the sessions.</param>
    /// <param name="Sessions">How many were open.</param>
    /// <param name="BytesPerSession">Server heap per open session while its server is live.</param>
    /// <param name="BytesPerDeactivatedSession">Server heap per session once its actor is deactivated (actors only);
    /// the session's state and reminders are then held by the sidecar's state store, outside the server.</param>
    /// <param name="OpenSeconds">How long opening all the sessions took.</param>
    /// <param name="StateBytesPerSession">Keys and values added to the state store per idle session (the session's record,
    /// reminders and, for workflows, the instance's history), or null for a host that stores nothing.</param>
    /// <param name="StateBytesPerBusySession">The same for a session idle again after more messages than its de-duplication
    /// window holds (the window full: the most a session's record keeps), or null for a host that stores nothing.</param>
    public sealed record Result(
        string Host, int Sessions, double BytesPerSession, double? BytesPerDeactivatedSession, double OpenSeconds, double? StateBytesPerSession, double? StateBytesPerBusySession);

    // Sessions sent more messages than the window holds (DeduplicationWindow, 256 by default), and how many each.
    private const int BusySessions = 10;
    private const int BusyMessages = 300;

    /// <summary>The session hosts <c>--hosts</c> names.</summary>
    public static readonly IReadOnlyDictionary<string, string> Hosts = new Dictionary<string, string>
    {
        ["in-memory"] = "in-memory sessions",
        ["actors"] = "actor sessions",
        ["workflows"] = "workflow sessions",
    };

    private const string Sink = "memory-bench-replies";
    private const string StateStore = "statestore";

    public static async Task<Result> RunAsync(string host, int sessions, CancellationToken cancellationToken)
    {
        var actors = host == "actors";
        await using var emulator = new DaprEmulator(new DaprEmulatorOptions { MaxConcurrentDeliveriesPerSidecar = 256 });
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        emulator.AddComponent(StateStore, "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        // Long enough that every session is still active when the last one opens (opening 1,000 takes about 6 s here).
        var actorIdleTimeout = TimeSpan.FromSeconds(5 + (sessions / 100.0));
        await using var server = await SessionServerProcess.StartAsync(emulator, host, actorIdleTimeout, cancellationToken);

        // Warm up (code, caches, pools) so that the baseline holds everything but the sessions themselves.
        await OpenAsync(emulator, "warmup", 20, cancellationToken);
        if (actors)
        {
            await Task.Delay(Quiet(actorIdleTimeout), cancellationToken);
        }

        var baseline = await server.HeapAsync(cancellationToken);
        var stateBefore = emulator.StateStore(StateStore)!.Size(static _ => true).Bytes;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await OpenAsync(emulator, "measured", sessions, cancellationToken);
        var openSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var open = await server.HeapAsync(cancellationToken);
        double? perDeactivated = null;
        if (actors)
        {
            // Actors go idle and the runtime deactivates them: their servers are released, their state stays in the store.
            // The wait also outlasts the idle timeout of pooled HTTP connections (a minute, both ways between server and
            // sidecar): the hundreds the opening burst left open are connections, not sessions, and would otherwise count
            // a few KB to each session at 1,000 of them.
            await Task.Delay(Quiet(actorIdleTimeout), cancellationToken);
            perDeactivated = (double)(await StableHeapAsync(server, cancellationToken) - baseline) / sessions;
        }

        if (host == "in-memory")
        {
            return new Result(Hosts[host], sessions, (double)(open - baseline) / sessions, perDeactivated, openSeconds, null, null);
        }

        // Weighed once idle: the answers of the initialize exchange are off the in-flight lists by then.
        await Task.Delay(QuietTime, cancellationToken);
        var idleBytes = emulator.StateStore(StateStore)!.Size(static _ => true).Bytes;

        // Then a few sessions get more messages than their de-duplication window holds, and go quiet again.
        var busy = SessionIds(emulator, sessions).Take(BusySessions).ToList();
        if (busy.Count == 0)
        {
            throw new InvalidOperationException("The initialize answers carry no session id: the busy sessions cannot be addressed.");
        }

        var store = emulator.StateStore(StateStore)!;
        var busyBefore = busy.Sum(id => store.Size(key => key.Contains(id, StringComparison.Ordinal)).Bytes);
        await PingAsync(emulator, busy, BusyMessages, cancellationToken);
        await Task.Delay(QuietTime, cancellationToken);
        // Weighed by the keys that name the busy sessions (their records, reminder tracks, workflow instances), so that
        // what other sessions write meanwhile (an idle reminder's first firing writes its track) does not count.
        var busyAfter = busy.Sum(id => store.Size(key => key.Contains(id, StringComparison.Ordinal)).Bytes);
        var perIdle = (double)(idleBytes - stateBefore) / sessions;
        return new Result(Hosts[host], sessions, (double)(open - baseline) / sessions, perDeactivated, openSeconds,
            perIdle, perIdle + ((double)(busyAfter - busyBefore) / busy.Count));
    }

    // SocketsHttpHandler's PooledConnectionIdleTimeout (one minute), with a margin.
    private static readonly TimeSpan ConnectionIdleTimeout = TimeSpan.FromSeconds(75);

    // Until every actor is deactivated and every pooled connection closed (the baseline waits as long, so that both count
    // the same connections).
    private static TimeSpan Quiet(TimeSpan actorIdleTimeout)
    {
        var deactivated = actorIdleTimeout + TimeSpan.FromSeconds(2);
        return deactivated > ConnectionIdleTimeout ? deactivated : ConnectionIdleTimeout;
    }

    // Long enough for the in-flight checks (1 s apart) to find the sessions quiet and save their last answers.
    private static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(4);

    // The session ids the server gave the last sessions opened, from their initialize answers.
    private static IEnumerable<string> SessionIds(DaprEmulator emulator, int sessions)
    {
        var published = emulator.Published("pubsub", Sink);
        return published.Skip(published.Count - sessions)
            .Select(message => JsonNode.Parse(message.Body.Span)?[McpCloudEventAttributes.SessionId]?.GetValue<string>())
            .OfType<string>();
    }

    private static async Task PingAsync(DaprEmulator emulator, List<string> sessionIds, int messages, CancellationToken cancellationToken)
    {
        var before = emulator.Published("pubsub", Sink).Count;
        for (var i = 0; i < messages; i++)
        {
            foreach (var sessionId in sessionIds)
            {
                var ping = Event($"ping-{sessionId}-{i}", new JsonObject { ["jsonrpc"] = "2.0", ["id"] = i + 2, ["method"] = "ping" });
                ping[McpCloudEventAttributes.SessionId] = sessionId;
                await emulator.InjectAsync("pubsub", "mcp-requests", Encoding.UTF8.GetBytes(ping.ToJsonString()), ct: cancellationToken);
            }
        }

        await WaitForAnswersAsync(emulator, before + (messages * sessionIds.Count), cancellationToken);
    }

    private static JsonObject Event(string id, JsonObject data) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["source"] = "client",
        ["type"] = McpCloudEventTypes.Message,
        [McpCloudEventAttributes.ReplyTo] = $"pubsub://pubsub/{Sink}",
        [McpCloudEventAttributes.Connection] = "memory-bench",
        ["datacontenttype"] = "application/json",
        ["data"] = data,
    };

    private static async Task WaitForAnswersAsync(DaprEmulator emulator, int count, CancellationToken cancellationToken)
    {
        while (emulator.Published("pubsub", Sink).Count < count)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task OpenAsync(DaprEmulator emulator, string label, int sessions, CancellationToken cancellationToken)
    {
        var before = emulator.Published("pubsub", Sink).Count;
        for (var i = 0; i < sessions; i++)
        {
            var initialize = Event($"init-{label}-{i}", new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = 1,
                ["method"] = "initialize",
                ["params"] = new JsonObject
                {
                    ["protocolVersion"] = "2025-11-25",
                    ["capabilities"] = new JsonObject(),
                    ["clientInfo"] = new JsonObject { ["name"] = "memory-bench", ["version"] = "1.0" },
                },
            });
            await emulator.InjectAsync("pubsub", "mcp-requests", Encoding.UTF8.GetBytes(initialize.ToJsonString()), ct: cancellationToken);
        }

        // Every initialize answered: the sessions are open.
        await WaitForAnswersAsync(emulator, before + sessions, cancellationToken);
    }

    // Deactivation runs on the actor runtime's scan: wait until the heap stops shrinking.
    private static async Task<long> StableHeapAsync(SessionServerProcess server, CancellationToken cancellationToken)
    {
        var heap = await server.HeapAsync(cancellationToken);
        long previous;
        do
        {
            previous = heap;
            await Task.Delay(1000, cancellationToken);
            heap = await server.HeapAsync(cancellationToken);
        }
        while (previous - heap > 64 * 1024);
        return heap;
    }
}
