using System.Globalization;
using AsyncMcp.Dapr.WorkflowBenchmarks;
using Dapr.Workflow;

// Usage: dotnet run -c Release --project bench/AsyncMcp.Dapr.WorkflowBenchmarks -- [--samples 300] [--events 600] [--instances 1,64]
var samples = int.Parse(Option("--samples", "300"), CultureInfo.InvariantCulture);
var totalEvents = int.Parse(Option("--events", "1280"), CultureInfo.InvariantCulture);
var instanceCounts = Option("--instances", "1,64").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

Console.WriteLine($"workflow engine benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, Dapr.Workflow {typeof(DaprWorkflowClient).Assembly.GetName().Version}");
await using var bench = await WorkflowBench.StartAsync();

// Latency, one instance, one event at a time: raise → the activity starts, and raise → the turn that set the custom
// status is committed (what GetInstance answers from then on).
var instance = await bench.StartInstanceAsync("latency");
var toActivity = new List<double>();
var toStatus = new List<double>();
for (var step = 1; step <= samples + 20; step++)
{
    var (activity, status) = await bench.RaiseAndMeasureAsync(instance, step);
    if (step > 20)
    {
        toActivity.Add(activity);
        toStatus.Add(status);
    }
}

Report($"raise → activity started, 1 instance, {samples} events", toActivity);
Report($"raise → custom status visible, 1 instance, {samples} events", toStatus);

// Throughput: every instance gets its share of the events raised back to back; the clock stops when each has set
// its custom status to its last event.
foreach (var count in instanceCounts)
{
    var perInstance = Math.Max(1, totalEvents / count);
    var rate = await bench.ThroughputAsync(count, perInstance);
    Console.WriteLine($"events/s, {count} instance(s) × {perInstance} events: {rate.EventsPerSecond:F0} events/s ({rate.Events} events in {rate.Seconds:F2} s; " +
        $"{rate.CpuMilliseconds / rate.Events:F2} ms CPU per event)");
}

static void Report(string what, List<double> ms)
{
    var sorted = ms.Order().ToArray();
    double P(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    Console.WriteLine($"{what}: p50 {P(0.50):F2} ms, p90 {P(0.90):F2} ms, p99 {P(0.99):F2} ms, min {sorted[0]:F2} ms, max {sorted[^1]:F2} ms");
}

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
