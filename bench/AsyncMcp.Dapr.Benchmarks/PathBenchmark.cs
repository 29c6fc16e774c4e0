using System.Diagnostics;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>Closed-loop load: each session calls the no-op tool again as soon as the last call returns.</summary>
internal static class PathBenchmark
{
    private static readonly Dictionary<string, object?> NoOpArguments = new() { ["text"] = "x" };

    public static async Task<LatencyStats> RunAsync(
        string path, Func<CancellationToken, Task<McpClient>> connect, int sessions, TimeSpan warmup, TimeSpan duration)
    {
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var clients = new McpClient[sessions];
        for (var i = 0; i < sessions; i += 16)
        {
            var batch = Enumerable.Range(i, Math.Min(16, sessions - i)).Select(async j => clients[j] = await connect(setup.Token));
            await Task.WhenAll(batch);
        }

        try
        {
            await LoopAsync(clients, warmup, record: null);
            var latencies = new List<double>[sessions];
            // CPU and allocations of the whole process (clients, apps, emulated sidecars): what one call costs, whatever
            // else the machine is doing.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var stopwatch = Stopwatch.StartNew();
            await LoopAsync(clients, duration, latencies);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            var cost = new CallCost(
                (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds,
                GC.GetTotalAllocatedBytes(precise: true) - allocated);
            return LatencyStats.From(path, sessions, latencies.SelectMany(list => list).ToList(), seconds, cost);
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }

    private static Task LoopAsync(McpClient[] clients, TimeSpan duration, List<double>[]? record)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(clients.Select(async (client, i) =>
        {
            var mine = new List<double>();
            if (record is not null)
            {
                record[i] = mine;
            }

            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                await client.CallToolAsync("echo", NoOpArguments);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
    }
}
