using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// Server memory per open idle session. The server runs in a process of its own (<see cref="SessionServerProcess"/>);
/// sessions are opened by injecting <c>initialize</c> events into the emulated broker (no client objects anywhere), and
/// the server's managed heap with all of them open is compared with its heap before they were opened.
/// </summary>
internal static class SessionMemoryBenchmark
{
    /// <param name="Host">Which session host held the sessions.</param>
    /// <param name="Sessions">How many were open.</param>
    /// <param name="BytesPerSession">Server heap per open session while its server is live.</param>
    /// <param name="BytesPerDeactivatedSession">Server heap per session once its actor is deactivated (actors only);
    /// the session's state and reminders are then held by the sidecar's state store, outside the server.</param>
    /// <param name="OpenSeconds">How long opening all the sessions took.</param>
    public sealed record Result(string Host, int Sessions, double BytesPerSession, double? BytesPerDeactivatedSession, double OpenSeconds);

    private const string Sink = "memory-bench-replies";
    public static async Task<Result> RunAsync(bool actors, int sessions, CancellationToken cancellationToken)
    {
        await using var emulator = new DaprEmulator(new DaprEmulatorOptions { MaxConcurrentDeliveriesPerSidecar = 256 });
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        emulator.AddComponent("statestore", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        // Long enough that every session is still active when the last one opens (opening 1,000 takes about 6 s here).
        var actorIdleTimeout = TimeSpan.FromSeconds(5 + (sessions / 100.0));
        await using var server = await SessionServerProcess.StartAsync(emulator, actors, actorIdleTimeout, cancellationToken);

        // Warm up (code, caches, pools) so that the baseline holds everything but the sessions themselves.
        await OpenAsync(emulator, "warmup", 20, cancellationToken);
        if (actors)
        {
            await Task.Delay(actorIdleTimeout + TimeSpan.FromSeconds(2), cancellationToken);
        }

        var baseline = await server.HeapAsync(cancellationToken);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await OpenAsync(emulator, "measured", sessions, cancellationToken);
        var openSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var open = await server.HeapAsync(cancellationToken);
        double? perDeactivated = null;
        if (actors)
        {
            // Actors go idle and the runtime deactivates them: their servers are released, their state stays in the store.
            await Task.Delay(actorIdleTimeout + TimeSpan.FromSeconds(2), cancellationToken);
            perDeactivated = (double)(await StableHeapAsync(server, cancellationToken) - baseline) / sessions;
        }

        return new Result(actors ? "actor sessions" : "in-memory sessions", sessions, (double)(open - baseline) / sessions, perDeactivated, openSeconds);
    }

    private static async Task OpenAsync(DaprEmulator emulator, string label, int sessions, CancellationToken cancellationToken)
    {
        var before = emulator.Published("pubsub", Sink).Count;
        for (var i = 0; i < sessions; i++)
        {
            var initialize = new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = $"init-{label}-{i}",
                ["source"] = "client",
                ["type"] = McpCloudEventTypes.Message,
                [McpCloudEventAttributes.ReplyTo] = $"pubsub://pubsub/{Sink}",
                [McpCloudEventAttributes.Connection] = "memory-bench",
                ["datacontenttype"] = "application/json",
                ["data"] = new JsonObject
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
                },
            };
            await emulator.InjectAsync("pubsub", "mcp-requests", Encoding.UTF8.GetBytes(initialize.ToJsonString()), ct: cancellationToken);
        }

        // Every initialize answered: the sessions are open.
        while (emulator.Published("pubsub", Sink).Count < before + sessions)
        {
            await Task.Delay(50, cancellationToken);
        }
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
