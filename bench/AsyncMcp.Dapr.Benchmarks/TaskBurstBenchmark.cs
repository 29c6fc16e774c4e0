using System.Diagnostics;
using AsyncMcp.Dapr.Client.Tasks;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// Many MCP tasks at once: <c>echo</c> called as a 2025-11-25 task that many times concurrently from a few client
/// sessions, then every result fetched with <c>tasks/result</c>. How long until all are created (each durable: a workflow
/// instance scheduled), how long until all have completed, what the process held meanwhile, and what stays in the state
/// store once they have ended (until their TTL).
/// </summary>
internal static class TaskBurstBenchmark
{
    private const int Sessions = 8;

    private static readonly Dictionary<string, object?> NoOpArguments = new() { ["text"] = "x" };

    /// <param name="Tasks">Tasks created at once.</param>
    /// <param name="CreatedSeconds">From the first request to the last create answer.</param>
    /// <param name="CompletedSeconds">From the first request to the last result.</param>
    /// <param name="CreateLatency">The create answers' latency (p50, p99 in ms).</param>
    /// <param name="Failed">Tasks that did not complete with the tool's result.</param>
    /// <param name="PeakHeapBytesPerTask">The managed heap's growth at its highest during the burst (sampled every 50 ms), per task.</param>
    /// <param name="HeapBytesPerEndedTask">The managed heap's growth once all have ended, after full collections, per task.</param>
    /// <param name="StateBytesPerEndedTask">Keys and values the tasks left in the state store once ended, per task.</param>
    /// <param name="LoadAverage">The machine's load average (1 min) at the end.</param>
    public sealed record Result(
        int Tasks, double CreatedSeconds, double CompletedSeconds, (double P50, double P99) CreateLatency, int Failed,
        double PeakHeapBytesPerTask, double HeapBytesPerEndedTask, double StateBytesPerEndedTask, double LoadAverage);

    public static async Task<Result> RunAsync(BenchEnvironment environment, int tasks, CancellationToken cancellationToken)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(_ => environment.ConnectPubSubAsync(BenchPath.SessionProtocol, cancellationToken)));
        try
        {
            // One task first, so that the workflow worker and the code paths are warm.
            var warm = await clients[0].CallToolAsTaskAsync("echo", NoOpArguments, cancellationToken: cancellationToken);
            await clients[0].GetTaskResultAsync(warm.TaskId, cancellationToken);

            var heapBefore = FullCollection();
            var stateBefore = environment.StateBytes();
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var peak = SamplePeakHeapAsync(sampling.Token);

            var clock = Stopwatch.StartNew();
            var latencies = new double[tasks];
            var created = await Task.WhenAll(Enumerable.Range(0, tasks).Select(async i =>
            {
                var client = clients[i % Sessions];
                var start = Stopwatch.GetTimestamp();
                var task = await client.CallToolAsTaskAsync("echo", NoOpArguments, cancellationToken: cancellationToken);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                return (Client: client, task.TaskId);
            }));
            var createdSeconds = clock.Elapsed.TotalSeconds;
            var results = await Task.WhenAll(created.Select(c => c.Client.GetTaskResultAsync(c.TaskId, cancellationToken)));
            var completedSeconds = clock.Elapsed.TotalSeconds;

            await sampling.CancelAsync();
            var peakHeap = await peak;
            var heapAfter = FullCollection();
            Array.Sort(latencies);
            return new Result(
                tasks,
                createdSeconds,
                completedSeconds,
                (latencies[tasks / 2], latencies[Math.Min(tasks - 1, (int)(tasks * 0.99))]),
                results.Count(r => r.IsError == true || r.Content.Count == 0),
                (double)(peakHeap - heapBefore) / tasks,
                (double)(heapAfter - heapBefore) / tasks,
                (double)(environment.StateBytes() - stateBefore) / tasks,
                BenchmarkReport.LoadAverage());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static long FullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static async Task<long> SamplePeakHeapAsync(CancellationToken cancellationToken)
    {
        var peak = 0L;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            do
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }

        return peak;
    }
}
