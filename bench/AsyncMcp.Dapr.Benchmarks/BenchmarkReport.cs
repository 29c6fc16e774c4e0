using System.Globalization;
using System.Text;
using ScottPlot;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>Writes the results as a Markdown page with a plot.</summary>
internal static class BenchmarkReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Markdown(
        string command,
        IReadOnlyList<LatencyStats> paths,
        IReadOnlyList<CodecBenchmark.Result> codec,
        IReadOnlyList<SessionMemoryBenchmark.Result> memory,
        IReadOnlyList<TaskBurstBenchmark.Result> burst,
        string plotFile)
    {
        var text = new StringBuilder();
        text.AppendLine("## Results").AppendLine();
        text.AppendLine(Invariant, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}, with `{command}`.").AppendLine();
        if (paths.Count > 0)
        {
            // Other work on the machine moves every number: say how much there was.
            text.AppendLine(Invariant, $"Load average (1 min) at the end of each run: {paths.Min(run => run.LoadAverage):F1} to {paths.Max(run => run.LoadAverage):F1}, median {Median(paths.Select(run => run.LoadAverage)):F1}.").AppendLine();
        }

        text.AppendLine("### No-op tool call (`echo`), closed loop, one run").AppendLine();
        text.AppendLine("CPU and allocations are the whole process's (clients, apps and emulated sidecars) divided by the calls; state writes");
        text.AppendLine("are the operations the state store applied, reminder calls those the actor runtime was asked for, publish calls the");
        text.AppendLine("calls to the sidecars' publish APIs (a bulk publish counts once) and in brackets the messages they carried, per call; the");
        text.AppendLine("thread pool's queue is its mean length (sampled every 50 ms) and the threads its count at the start and at most.").AppendLine();
        text.AppendLine("| path | sessions | round | calls | p50 ms | p90 ms | p99 ms | calls/s | CPU µs/call | KB allocated/call | state writes/call | reminder calls/call | publish calls/call (messages) | pool queue, threads |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in paths)
        {
            text.AppendLine(Invariant, $"| {run.Path} | {run.Sessions} | {run.Round} | {run.Calls} | {run.P50Ms:F2} | {run.P90Ms:F2} | {run.P99Ms:F2} | {run.CallsPerSecond:F0} | {run.CpuMicrosecondsPerCall:F0} | {run.BytesAllocatedPerCall / 1024:F1} | {run.StateWritesPerCall:F2} | {run.ReminderCallsPerCall:F3} | {run.PublishCallsPerCall:F2} ({run.PublishedMessagesPerCall:F2}) | {run.Pool.MeanQueued:F1}, {run.Pool.StartThreads}→{run.Pool.MaxThreads} |");
        }

        text.AppendLine().AppendLine("### Async path against direct Streamable HTTP (ratios, same run)").AppendLine();
        text.AppendLine("Each ratio is taken against the direct path of the same protocol generation, measured in the same round; with several");
        text.AppendLine("rounds, the median and, in brackets, the lowest and highest round. The ceiling is what the path's exchanges allow:");
        text.AppendLine("a path with k exchanges per call does at least the direct call's work plus k - 1 loopback exchanges, each costing");
        text.AppendLine("at least the CPU of the bare one measured in the same round (`one loopback HTTP exchange`), so its CPU per call is");
        text.AppendLine("at least direct + (k - 1) × loopback; where the process is CPU-bound (8 and 64 sessions), throughput over direct");
        text.AppendLine("cannot pass direct ÷ that, and p50 over direct cannot fall below its inverse. Messages published together in one");
        text.AppendLine("bulk publish share one exchange with the sidecar, so k counts the publish calls the run made, not the messages (in");
        text.AppendLine("brackets: the exchanges with one publish call per message). The proxy and actor sessions have a second, tighter");
        text.AppendLine("ceiling: each does all the work of a pub/sub path measured in the same round (the proxy that of `pubsub`, actor sessions");
        text.AppendLine("that of `pubsub-sessions`) and adds exchanges to it (the front exchange; the actor call and the save), so its CPU per");
        text.AppendLine("call is at least that path's plus the added exchanges × loopback: what is left between it and the path is the");
        text.AppendLine("proxy's or the actor host's own work.").AppendLine();
        text.AppendLine("| path | against | sessions | exchanges | p50 async/direct | throughput async/direct | ceiling of throughput ratio | ceiling from the pub/sub path |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in paths.Where(run => run.Baseline is not null).GroupBy(run => (run.Path, run.Sessions)))
        {
            // Ratios need the direct path measured in the same round (--paths may leave it out).
            var ratios = group
                .Select(run => (Run: run, Direct: SameRound(paths, run.Baseline, run)))
                .Where(pair => pair.Direct is not null)
                .Select(pair => (
                    P50: pair.Run.P50Ms / pair.Direct!.P50Ms,
                    Throughput: pair.Run.CallsPerSecond / pair.Direct.CallsPerSecond,
                    Ceiling: Ceiling(pair.Run, pair.Direct, paths),
                    PubSubCeiling: PubSubCeiling(pair.Run, pair.Direct, paths)))
                .ToList();
            if (ratios.Count == 0)
            {
                continue;
            }

            var exchanges = group.First().Exchanges is { } k
                ? $"{Median(group.Select(Exchanges)):F1} ({k})"
                : "varies";
            text.AppendLine(Invariant, $"| {group.Key.Path} | {group.First().Baseline} | {group.Key.Sessions} | {exchanges} | {Spread(ratios.Select(r => r.P50))} | {Spread(ratios.Select(r => r.Throughput))} | {SpreadOrNone(ratios.Select(r => r.Ceiling))} | {SpreadOrNone(ratios.Select(r => r.PubSubCeiling))} |");
        }

        text.AppendLine().AppendLine("### Hot path: CloudEvent + JSON-RPC codec").AppendLine();
        text.AppendLine("| operation | ns/message | bytes allocated/message | encoded size |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var result in codec)
        {
            text.AppendLine(Invariant, $"| {result.Operation} | {result.NanosecondsPerMessage:F0} | {result.BytesAllocatedPerMessage:F0} | {result.EncodedBytes} B |");
        }

        text.AppendLine().AppendLine("### Server memory per open idle session").AppendLine();
        text.AppendLine("The server in a process of its own; its managed heap after full collections, against its heap before the sessions.");
        text.AppendLine("State: keys and values the sessions added to the state store (in the sidecar's process), once idle; then for ten");
        text.AppendLine("sessions sent 300 pings each (more than the de-duplication window of 256 ids) and idle again.").AppendLine();
        text.AppendLine("| session host | open sessions | KB per live session | KB per deactivated session (target ≤ 2) | state KB per idle session (target ≤ 4) | state KB, window full | opened in |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in memory)
        {
            var idle = result.BytesPerDeactivatedSession is { } bytes ? (bytes / 1024).ToString("F2", Invariant) : "n/a (never deactivated)";
            var state = result.StateBytesPerSession is { } stored ? (stored / 1024).ToString("F2", Invariant) : "n/a (nothing stored)";
            var full = result.StateBytesPerBusySession is { } busy ? (busy / 1024).ToString("F2", Invariant) : "n/a";
            text.AppendLine(Invariant, $"| {result.Host} | {result.Sessions} | {result.BytesPerSession / 1024:F2} | {idle} | {state} | {full} | {result.OpenSeconds:F1} s |");
        }

        if (burst.Count > 0)
        {
            text.AppendLine().AppendLine("### Many MCP tasks at once").AppendLine();
            text.AppendLine("`echo` called as a 2025-11-25 task that many times at once from 8 pub/sub client sessions (in-memory session host),");
            text.AppendLine("then every result fetched with `tasks/result`. Heap: the whole process (clients, server, emulated sidecar and its");
            text.AppendLine("workflow engine); its highest point during the burst, and after full collections once all had ended. State: what");
            text.AppendLine("the ended tasks keep in the state store until their TTL.").AppendLine();
            text.AppendLine("| tasks | all created | create p50 / p99 | all completed | failed | heap KB/task, peak | heap KB/task, ended | state KB/task, ended | load average |");
            text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var result in burst)
            {
                text.AppendLine(Invariant, $"| {result.Tasks} | {result.CreatedSeconds:F1} s | {result.CreateLatency.P50:F0} / {result.CreateLatency.P99:F0} ms | {result.CompletedSeconds:F1} s | {result.Failed} | {result.PeakHeapBytesPerTask / 1024:F1} | {result.HeapBytesPerEndedTask / 1024:F1} | {result.StateBytesPerEndedTask / 1024:F1} | {result.LoadAverage:F1} |");
            }
        }

        text.AppendLine().AppendLine(Invariant, $"![p50 latency and throughput by path and sessions]({plotFile})");
        return text.ToString();
    }

    public const string DirectPath = "direct Streamable HTTP";

    /// <summary>The label of the pub/sub round trip without MCP (<see cref="BenchPath"/> key <c>pubsub-transport</c>).</summary>
    public const string PubSubTransportPath = "pub/sub round trip, no MCP (4 exchanges)";

    /// <summary>The label of the bare loopback exchange (<see cref="BenchPath"/> key <c>loopback</c>).</summary>
    public const string LoopbackPath = "one loopback HTTP exchange (no MCP)";

    // direct CPU ÷ (direct CPU + the extra exchanges × the bare exchange's CPU), all from the same round and session count.
    private static double? Ceiling(LatencyStats run, LatencyStats direct, IReadOnlyList<LatencyStats> paths)
    {
        // The pub/sub round trip does none of the direct call's MCP work, so "direct plus exchanges" bounds nothing for it.
        var loopback = SameRound(paths, LoopbackPath, run);
        if (loopback is null || run.Exchanges is null || direct.Exchanges is not { } directExchanges || run.Path == PubSubTransportPath)
        {
            return null;
        }

        var floor = direct.CpuMicrosecondsPerCall + (Exchanges(run) - directExchanges) * loopback.CpuMicrosecondsPerCall;
        return direct.CpuMicrosecondsPerCall / floor;
    }

    // direct CPU ÷ (the CPU of the pub/sub path beneath + the exchanges this path adds × the bare exchange's CPU).
    private static double? PubSubCeiling(LatencyStats run, LatencyStats direct, IReadOnlyList<LatencyStats> paths)
    {
        var loopback = SameRound(paths, LoopbackPath, run);
        var beneath = SameRound(paths, run.Beneath, run);
        if (loopback is null || beneath is null || run.Exchanges is null || beneath.Exchanges is null)
        {
            return null;
        }

        var added = Math.Max(0, Exchanges(run) - Exchanges(beneath));
        return direct.CpuMicrosecondsPerCall / (beneath.CpuMicrosecondsPerCall + (added * loopback.CpuMicrosecondsPerCall));
    }

    // The run of the path labelled `path` at the same session count and round as `run`.
    private static LatencyStats? SameRound(IReadOnlyList<LatencyStats> paths, string? path, LatencyStats run) =>
        path is null ? null : paths.FirstOrDefault(p => p.Path == path && p.Sessions == run.Sessions && p.Round == run.Round);

    // The path's exchanges with the sidecar's publish API counted per call made: a bulk publish of n messages is one.
    private static double Exchanges(LatencyStats run) =>
        (run.Exchanges ?? 0) - run.PublishedMessagesPerCall + run.PublishCallsPerCall;

    public const string DirectSessionPath = "direct Streamable HTTP, 2025-11-25 session";

    // A ceiling's spread over the rounds that have one, or n/a where none has.
    private static string SpreadOrNone(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count > 0 ? Spread(present) : "n/a";
    }

    // The median of the rounds, with the lowest and highest when there are several.
    private static string Spread(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 1
            ? sorted[0].ToString("F2", Invariant)
            : string.Create(Invariant, $"{Median(sorted):F2} ({sorted[0]:F2}–{sorted[^1]:F2})");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static void Plot(IReadOnlyList<LatencyStats> paths, string file)
    {
        // The bare loopback exchange is the unit of the ceiling, not a way to the server: its bars would dwarf the paths'.
        paths = [.. paths.Where(run => run.Path != LoopbackPath)];
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var names = paths.Select(run => run.Path).Distinct().ToList();
        var sessions = paths.Select(run => run.Sessions).Distinct().Order().ToList();
        Bars(multiplot.GetPlot(0), paths, names, sessions, run => run.P50Ms, "p50 latency (ms)");
        Bars(multiplot.GetPlot(1), paths, names, sessions, run => run.CallsPerSecond, "throughput (calls/s)");
        multiplot.SavePng(file, 1000, 420);
    }

    private static void Bars(Plot plot, IReadOnlyList<LatencyStats> paths, List<string> names, List<int> sessions, Func<LatencyStats, double> value, string title)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (var p = 0; p < names.Count; p++)
        {
            var bars = sessions.Select((count, s) => new Bar
            {
                Position = (s * (names.Count + 1)) + p,
                Value = Median(paths.Where(run => run.Path == names[p] && run.Sessions == count).Select(value)),
                FillColor = palette.GetColor(p),
            }).ToList();
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = names[p];
        }

        plot.Axes.Bottom.SetTicks(
            sessions.Select((_, s) => (double)((s * (names.Count + 1)) + ((names.Count - 1) / 2.0))).ToArray(),
            sessions.Select(count => $"{count} sessions").ToArray());
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.Margins(bottom: 0);
    }

    /// <summary>The machine's 1-minute load average (Linux), or NaN.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], NumberStyles.Float, Invariant, out var load)
            ? load
            : double.NaN;

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {Environment.OSVersion}, .NET {Environment.Version}";
    }
}
