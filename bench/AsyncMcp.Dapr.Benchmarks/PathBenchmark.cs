using System.Diagnostics;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>Closed-loop load: each session makes its path's call again as soon as the last one returns.</summary>
internal static class PathBenchmark
{
    public static async Task<LatencyStats> RunAsync(BenchPath path, Func<SidecarWork> work, int sessions, TimeSpan warmup, TimeSpan duration)
    {
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var clients = new McpClient[sessions];
        for (var i = 0; i < sessions; i += 16)
        {
            var batch = Enumerable.Range(i, Math.Min(16, sessions - i)).Select(async j => clients[j] = await path.Connect(setup.Token));
            await Task.WhenAll(batch);
        }

        try
        {
            await LoopAsync(path, clients, warmup, record: null);
            var latencies = new List<double>[sessions];
            // CPU and allocations of the whole process (clients, apps, emulated sidecars): what one call costs, whatever
            // else the machine is doing.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var contentions = Monitor.LockContentionCount;
            var sidecar = work();
            var stopwatch = Stopwatch.StartNew();
            var queue = QueueSampler.Start();
            await LoopAsync(path, clients, duration, latencies);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            var cost = new CallCost(
                (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds,
                GC.GetTotalAllocatedBytes(precise: true) - allocated,
                work() - sidecar,
                Monitor.LockContentionCount - contentions,
                await queue.StopAsync());
            return LatencyStats.From(path.Label, sessions, latencies.SelectMany(list => list).ToList(), seconds, cost);
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }

    private static Task LoopAsync(BenchPath path, McpClient[] clients, TimeSpan duration, List<double>[]? record)
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
                await path.Call(client);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
    }
}
