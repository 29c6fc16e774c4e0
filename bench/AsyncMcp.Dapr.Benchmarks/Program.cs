using System.Globalization;
using AsyncMcp.Dapr.Benchmarks;

if (args is [SessionServerProcess.ChildArgument, ..])
{
    await SessionServerProcess.RunAsync();
    return;
}

// Usage: dotnet run -c Release --project bench/AsyncMcp.Dapr.Benchmarks -- [--seconds N] [--sessions 1,8,64] [--rounds 1]
//        [--paths direct,loopback,pubsub-transport,pubsub-stream,proxy,pubsub,webhook,sessions,pubsub-sessions,actors,workflows,tasks,task-create,task-get] [--codec 200000 | none]
//        [--memory 1000,10000 | none] [--hosts in-memory,actors,workflows] [--task-burst 1000 | none] [--jit-warmup 3 | none]
//        [--out docs]
var seconds = Option("--seconds", "5");
var sessionCounts = Option("--sessions", "1,8,64").Split(',').Select(int.Parse).ToArray();
var pathNames = Option("--paths", "direct,loopback,pubsub-transport,pubsub-stream,proxy,pubsub,webhook,sessions,pubsub-sessions,actors,workflows,tasks,task-create,task-get").Split(',');
// Rounds alternate every path at one session count, so that a change in the machine's load hits both sides of a ratio.
var rounds = int.Parse(Option("--rounds", "1"), CultureInfo.InvariantCulture);
var memoryOption = Option("--memory", "1000,10000");
var burstOption = Option("--task-burst", "1000");
var burstTasks = burstOption is "none" ? 0 : int.Parse(burstOption, CultureInfo.InvariantCulture);
var memoryCounts = memoryOption is "none" ? [] : memoryOption.Split(',').Select(int.Parse).ToArray();
// A relative --out is taken from the repository root, wherever `dotnet run` starts the program.
var memoryHosts = Option("--hosts", "in-memory,actors,workflows").Split(',');
if (memoryHosts.FirstOrDefault(host => !SessionMemoryBenchmark.Hosts.ContainsKey(host)) is { } unknown)
{
    Console.Error.WriteLine($"--hosts: unknown session host '{unknown}' (known: {string.Join(", ", SessionMemoryBenchmark.Hosts.Keys)}).");
    return;
}

var output = Path.Combine(RepositoryRoot(), Option("--out", "docs"));
var duration = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
var warmup = TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds));
// Every path runs this long once, unmeasured, before the first round: the JIT's tiering (with dynamic PGO) has then
// compiled the hot code as a server that has run for a while has it, on both sides of every ratio.
var jitWarmupOption = Option("--jit-warmup", "3");
var jitWarmup = jitWarmupOption is "none" ? TimeSpan.Zero : TimeSpan.FromSeconds(double.Parse(jitWarmupOption, CultureInfo.InvariantCulture));
var command = "dotnet run -c Release --project bench/AsyncMcp.Dapr.Benchmarks -- " + string.Join(' ', args);

// --codec none leaves the codec micro-benchmark out, e.g. when profiling the paths.
var codecOption = Option("--codec", "200000");
var codecIterations = codecOption is "none" ? 0 : int.Parse(codecOption);
Console.WriteLine(codecIterations > 0 ? "codec micro-benchmark ..." : "codec micro-benchmark left out");
var codec = codecIterations > 0 ? CodecBenchmark.Run(codecIterations) : [];
foreach (var result in codec)
{
    Console.WriteLine($"  {result.Operation}: {result.NanosecondsPerMessage:F0} ns, {result.BytesAllocatedPerMessage:F0} B allocated, {result.EncodedBytes} B encoded");
}

var runs = new List<LatencyStats>();
var burst = new List<TaskBurstBenchmark.Result>();
await using (var environment = await BenchEnvironment.StartAsync())
{
    var all = BenchPath.All(environment);
    var paths = all.Where(p => pathNames.Contains(p.Key)).ToList();
    if (jitWarmup > TimeSpan.Zero)
    {
        foreach (var path in paths)
        {
            Console.WriteLine($"{path.Label}: JIT warm-up, {jitWarmup.TotalSeconds:F0} s unmeasured ...");
            await PathBenchmark.RunAsync(path, environment.Work, sessionCounts.Max(), TimeSpan.Zero, jitWarmup);
        }
    }

    foreach (var sessions in sessionCounts)
    {
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var path in paths)
            {
                Console.WriteLine($"{path.Label}, {sessions} session(s), round {round} ...");
                var run = await PathBenchmark.RunAsync(path, environment.Work, sessions, warmup, duration) with
                {
                    Round = round,
                    Baseline = all.FirstOrDefault(p => p.Key == path.Baseline)?.Label,
                    Exchanges = path.Exchanges,
                    Beneath = all.FirstOrDefault(p => p.Key == path.Beneath)?.Label,
                };
                runs.Add(run);
                Console.WriteLine($"  p50 {run.P50Ms:F2} ms, p90 {run.P90Ms:F2} ms, p99 {run.P99Ms:F2} ms, {run.CallsPerSecond:F0} calls/s, " +
                    $"{run.CpuMicrosecondsPerCall:F0} µs CPU and {run.BytesAllocatedPerCall / 1024:F1} KB allocated per call");
                Console.WriteLine($"  per call: {run.StateWritesPerCall:F2} state writes, {run.ReminderCallsPerCall:F3} reminder calls, " +
                    $"{run.PublishedMessagesPerCall:F2} messages published in {run.PublishCallsPerCall:F2} publish calls, " +
                    $"{run.LockContentionsPerCall:F2} lock contentions; thread pool: {run.Pool.MeanQueued:F1} queued on average " +
                    $"(at most {run.Pool.MaxQueued}), {run.Pool.StartThreads} → {run.Pool.MaxThreads} threads; load average {run.LoadAverage:F1}");
            }
        }
    }

    if (burstTasks > 0)
    {
        Console.WriteLine($"{burstTasks} tasks of echo at once ...");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var result = await TaskBurstBenchmark.RunAsync(environment, burstTasks, timeout.Token);
        burst.Add(result);
        Console.WriteLine($"  all created in {result.CreatedSeconds:F1} s (create p50 {result.CreateLatency.P50:F0} ms, p99 {result.CreateLatency.P99:F0} ms), " +
            $"all completed in {result.CompletedSeconds:F1} s, {result.Failed} failed; heap {result.PeakHeapBytesPerTask / 1024:F1} KB per task at its peak, " +
            $"{result.HeapBytesPerEndedTask / 1024:F1} KB once ended; state {result.StateBytesPerEndedTask / 1024:F1} KB per ended task");
    }
}

var memory = new List<SessionMemoryBenchmark.Result>();
foreach (var count in memoryCounts)
{
    foreach (var host in memoryHosts)
    {
        // A fresh server process per measurement, so that each counts only its own sessions.
        Console.WriteLine($"memory with {count} idle {SessionMemoryBenchmark.Hosts[host]} ...");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var result = await SessionMemoryBenchmark.RunAsync(host, count, timeout.Token);
        memory.Add(result);
        Console.WriteLine($"  {result.BytesPerSession / 1024:F2} KB per live session" +
            (result.BytesPerDeactivatedSession is { } idle ? $", {idle / 1024:F2} KB once deactivated" : string.Empty) +
            (result.StateBytesPerSession is { } state ? $", {state / 1024:F2} KB of state" : string.Empty) +
            (result.StateBytesPerBusySession is { } full ? $" ({full / 1024:F2} KB with its de-duplication window full)" : string.Empty) +
            $" (opened in {result.OpenSeconds:F1} s)");
    }
}

Directory.CreateDirectory(output);
var plotFile = Path.Combine(output, "benchmarks.png");
BenchmarkReport.Plot(runs, plotFile);
var markdown = BenchmarkReport.Markdown(command, runs, codec, memory, burst, "benchmarks.png");
var resultsFile = Path.Combine(output, "benchmark-results.md");
await File.WriteAllTextAsync(resultsFile, markdown);
Console.WriteLine($"wrote {resultsFile} and {plotFile}");

static string RepositoryRoot()
{
    for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "AsyncMcp.Dapr.sln")))
        {
            return folder.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
