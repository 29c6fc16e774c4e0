using System.Text;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// Server memory per open idle session: sessions are opened by injecting <c>initialize</c> events (no client objects
/// in this process), and the managed heap is compared with all of them open and after all of them are closed.
/// </summary>
internal static class SessionMemoryBenchmark
{
    public sealed record Result(int Sessions, double BytesPerSession);

    public static async Task<Result> RunAsync(BenchEnvironment environment, int sessions, CancellationToken cancellationToken)
    {
        const string sink = "memory-bench-replies";
        var before = environment.Emulator.Published("pubsub", sink).Count;
        for (var i = 0; i < sessions; i++)
        {
            await InjectAsync(environment, Event($"init-{sessions}-{i}", null, new JsonObject
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

        while (environment.Emulator.Published("pubsub", sink).Count < before + sessions)
        {
            await Task.Delay(50, cancellationToken);
        }

        var sessionIds = environment.Emulator.Published("pubsub", sink).Skip(before)
            .Select(message => (string)JsonNode.Parse(message.Body.Span)![McpCloudEventAttributes.SessionId]!)
            .ToList();
        var open = SettledHeap();
        var recordedBefore = RecordedBytes(environment);

        foreach (var sessionId in sessionIds)
        {
            await InjectAsync(environment, Event(Guid.NewGuid().ToString("N"), sessionId, null), cancellationToken);
        }

        // Closing is asynchronous: wait until the heap stops shrinking.
        long closed = SettledHeap(), previous;
        do
        {
            previous = closed;
            await Task.Delay(500, cancellationToken);
            closed = SettledHeap();
        }
        while (previous - closed > 64 * 1024);

        // The emulator keeps every event it carried; the close events added since are not session memory.
        closed -= RecordedBytes(environment) - recordedBefore;
        return new Result(sessions, (double)(open - closed) / sessions);
    }

    private static long RecordedBytes(BenchEnvironment environment) =>
        environment.Emulator.Published("pubsub", "mcp-requests").Sum(message => (long)message.Body.Length);

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
