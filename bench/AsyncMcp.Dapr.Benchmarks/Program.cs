using System.Globalization;
using AsyncMcp.Dapr.Benchmarks;

// Usage: dotnet run -c Release --project bench/AsyncMcp.Dapr.Benchmarks -- [--seconds N] [--sessions 1,8,64]
//        [--memory 1000,10000] [--out docs]
var seconds = Option("--seconds", "5");
var sessionCounts = Option("--sessions", "1,8,64").Split(',').Select(int.Parse).ToArray();
var memoryCounts = Option("--memory", "1000,10000").Split(',').Where(value => value.Length > 0).Select(int.Parse).ToArray();
var output = Option("--out", "docs");
var duration = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
var warmup = TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds));
var command = "dotnet run -c Release --project bench/AsyncMcp.Dapr.Benchmarks -- " + string.Join(' ', args);

Console.WriteLine("codec micro-benchmark ...");
var codec = CodecBenchmark.Run(iterations: 200_000);
foreach (var result in codec)
{
    Console.WriteLine($"  {result.Operation}: {result.NanosecondsPerMessage:F0} ns, {result.BytesAllocatedPerMessage:F0} B allocated, {result.EncodedBytes} B encoded");
}

var runs = new List<LatencyStats>();
await using (var environment = await BenchEnvironment.StartAsync())
{
    foreach (var sessions in sessionCounts)
    {
        foreach (var (path, connect) in new (string, Func<CancellationToken, Task<ModelContextProtocol.Client.McpClient>>)[]
        {
            (BenchmarkReport.DirectPath, token => environment.ConnectDirectAsync(null, token)),
            ("async: Dapr pub/sub", token => environment.ConnectPubSubAsync(null, token)),
        })
        {
            Console.WriteLine($"{path}, {sessions} session(s) ...");
            var run = await PathBenchmark.RunAsync(path, connect, sessions, warmup, duration);
            runs.Add(run);
            Console.WriteLine($"  p50 {run.P50Ms:F2} ms, p90 {run.P90Ms:F2} ms, p99 {run.P99Ms:F2} ms, {run.CallsPerSecond:F0} calls/s");
        }
    }
}

var memory = new List<SessionMemoryBenchmark.Result>();
foreach (var count in memoryCounts)
{
    // A fresh server per count, so that each measures only its own sessions.
    await using var environment = await BenchEnvironment.StartAsync(new Dictionary<string, string?> { ["Mcp:PubSub:MaxSessions"] = "100000" });
    Console.WriteLine($"memory with {count} idle sessions ...");
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
    var result = await SessionMemoryBenchmark.RunAsync(environment, count, timeout.Token);
    memory.Add(result);
    Console.WriteLine($"  {result.BytesPerSession / 1024:F1} KB per session");
}

Directory.CreateDirectory(output);
var plotFile = Path.Combine(output, "benchmarks.png");
BenchmarkReport.Plot(runs, plotFile);
var markdown = BenchmarkReport.Markdown(command, runs, codec, memory, "benchmarks.png");
var resultsFile = Path.Combine(output, "benchmark-results.md");
await File.WriteAllTextAsync(resultsFile, markdown);
Console.WriteLine($"wrote {resultsFile} and {plotFile}");

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
