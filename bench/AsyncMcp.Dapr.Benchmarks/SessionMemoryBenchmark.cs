using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// Server memory per open idle session: sessions are opened by injecting <c>initialize</c> events (no client objects
/// in this process), and the managed heap with all of them open is compared with the heap before they were opened.
/// </summary>
internal static class SessionMemoryBenchmark
{
    /// <param name="Host">Which session host held the sessions.</param>
    /// <param name="Sessions">How many were open.</param>
    /// <param name="BytesPerSession">Heap per open session while its server is live.</param>
    /// <param name="BytesPerDeactivatedSession">Heap per session once its actor is deactivated (actors only), which
    /// includes the emulated sidecar's in-memory copy of the session's state and reminders.</param>
    public sealed record Result(string Host, int Sessions, double BytesPerSession, double? BytesPerDeactivatedSession);

    public static async Task<Result> RunAsync(BenchEnvironment environment, string host, int sessions, TimeSpan? deactivation, CancellationToken cancellationToken)
    {
        // Warm up (code, caches, pools) so that the baseline holds everything but the sessions themselves.
        await OpenAsync(environment, "warmup", 20, cancellationToken);
        var baseline = Measure(environment);

        await OpenAsync(environment, "measured", sessions, cancellationToken);
        var open = Measure(environment);
        double? perDeactivated = null;
        if (deactivation is { } wait)
        {
            // Actors go idle and the runtime deactivates them: their servers are released, their state stays.
            await Task.Delay(wait, cancellationToken);
            await StableHeapAsync(SettledHeap(), cancellationToken);
            perDeactivated = PerSession(baseline, Measure(environment), sessions);
        }

        return new Result(host, sessions, PerSession(baseline, open, sessions), perDeactivated);
    }

    // The emulator keeps every event it carried: those bytes are the broker's, not the sessions'.
    private static double PerSession((long Heap, long Recorded) from, (long Heap, long Recorded) to, int sessions) =>
        (double)((to.Heap - from.Heap) - (to.Recorded - from.Recorded)) / sessions;

    private static (long Heap, long Recorded) Measure(BenchEnvironment environment) => (SettledHeap(), RecordedBytes(environment));

    private static async Task OpenAsync(BenchEnvironment environment, string label, int sessions, CancellationToken cancellationToken)
    {
        var before = environment.Emulator.Published("pubsub", Sink).Count;
        for (var i = 0; i < sessions; i++)
        {
            await InjectAsync(environment, Event($"init-{label}-{i}", null, new JsonObject
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
            }), cancellationToken);
        }

        while (environment.Emulator.Published("pubsub", Sink).Count < before + sessions)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private const string Sink = "memory-bench-replies";

    private static long RecordedBytes(BenchEnvironment environment) =>
        environment.Emulator.Published("pubsub", "mcp-requests").Concat(environment.Emulator.Published("pubsub", Sink))
            .Sum(message => (long)message.Body.Length);

    private static async Task<long> StableHeapAsync(long heap, CancellationToken cancellationToken)
    {
        long previous;
        do
        {
            previous = heap;
            await Task.Delay(1000, cancellationToken);
            heap = SettledHeap();
        }
        while (previous - heap > 64 * 1024);
        return heap;
    }

    private static long SettledHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static Task InjectAsync(BenchEnvironment environment, JsonObject cloudEvent, CancellationToken cancellationToken) =>
        environment.Emulator.InjectAsync("pubsub", "mcp-requests", Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()), ct: cancellationToken);

    private static JsonObject Event(string id, string? sessionId, JsonObject? data)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "client",
            ["type"] = data is null ? McpCloudEventTypes.SessionClose : McpCloudEventTypes.Message,
            [McpCloudEventAttributes.ReplyTo] = "pubsub://pubsub/memory-bench-replies",
            [McpCloudEventAttributes.Connection] = "memory-bench",
        };
        if (sessionId is not null)
        {
            cloudEvent[McpCloudEventAttributes.SessionId] = sessionId;
        }

        if (data is not null)
        {
            cloudEvent["datacontenttype"] = "application/json";
            cloudEvent["data"] = data;
        }

        return cloudEvent;
    }
}
