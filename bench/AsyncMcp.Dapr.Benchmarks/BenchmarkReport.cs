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
        string plotFile)
    {
        var text = new StringBuilder();
        text.AppendLine("## Results").AppendLine();
        text.AppendLine(Invariant, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}, with `{command}`.").AppendLine();
        text.AppendLine("### No-op tool call (`echo`), closed loop, one run").AppendLine();
        text.AppendLine("CPU and allocations are the whole process's (clients, apps and emulated sidecars) divided by the calls.").AppendLine();
        text.AppendLine("| path | sessions | calls | p50 ms | p90 ms | p99 ms | calls/s | CPU µs/call | KB allocated/call |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in paths)
        {
            text.AppendLine(Invariant, $"| {run.Path} | {run.Sessions} | {run.Calls} | {run.P50Ms:F2} | {run.P90Ms:F2} | {run.P99Ms:F2} | {run.CallsPerSecond:F0} | {run.CpuMicrosecondsPerCall:F0} | {run.BytesAllocatedPerCall / 1024:F1} |");
        }

        text.AppendLine().AppendLine("### Async path against direct Streamable HTTP (ratios, same run)").AppendLine();
        text.AppendLine("| path | sessions | p50 async/direct (target ≤ 2.0) | throughput async/direct (target ≥ 0.5 at 64) |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var run in paths.Where(run => run.Path != DirectPath))
        {
            // Ratios need the direct path measured at the same session count (--paths may leave it out).
            if (paths.FirstOrDefault(candidate => candidate.Path == DirectPath && candidate.Sessions == run.Sessions) is not { } direct)
            {
                continue;
            }

            text.AppendLine(Invariant, $"| {run.Path} | {run.Sessions} | {run.P50Ms / direct.P50Ms:F2} | {run.CallsPerSecond / direct.CallsPerSecond:F2} |");
        }

        text.AppendLine().AppendLine("### Hot path: CloudEvent + JSON-RPC codec").AppendLine();
        text.AppendLine("| operation | ns/message | bytes allocated/message | encoded size |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var result in codec)
        {
            text.AppendLine(Invariant, $"| {result.Operation} | {result.NanosecondsPerMessage:F0} | {result.BytesAllocatedPerMessage:F0} | {result.EncodedBytes} B |");
        }

        text.AppendLine().AppendLine("### Server memory per open idle session").AppendLine();
        text.AppendLine("The server in a process of its own; its managed heap after full collections, against its heap before the sessions.").AppendLine();
        text.AppendLine("| session host | open sessions | KB per live session | KB per deactivated session (target ≤ 20) | opened in |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var result in memory)
        {
            var idle = result.BytesPerDeactivatedSession is { } bytes ? (bytes / 1024).ToString("F1", Invariant) : "n/a (never deactivated)";
            text.AppendLine(Invariant, $"| {result.Host} | {result.Sessions} | {result.BytesPerSession / 1024:F1} | {idle} | {result.OpenSeconds:F1} s |");
        }

        text.AppendLine().AppendLine(Invariant, $"![p50 latency and throughput by path and sessions]({plotFile})");
        return text.ToString();
    }

    public const string DirectPath = "direct Streamable HTTP";

    public static void Plot(IReadOnlyList<LatencyStats> paths, string file)
    {
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
                Value = paths.FirstOrDefault(run => run.Path == names[p] && run.Sessions == count) is { } run ? value(run) : 0,
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

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {Environment.OSVersion}, .NET {Environment.Version}";
    }
}
