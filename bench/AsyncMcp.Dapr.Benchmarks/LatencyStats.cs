namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>Percentiles, throughput and cost per call of one measured run.</summary>
internal sealed record LatencyStats(
    string Path, int Sessions, int Calls, double Seconds, double P50Ms, double P90Ms, double P99Ms, double CpuMicrosecondsPerCall, double BytesAllocatedPerCall)
{
    /// <summary>Which round of the run measured it (rounds alternate all paths).</summary>
    public int Round { get; init; } = 1;

    /// <summary>The label of the direct path this path's ratios are taken against, or null.</summary>
    public string? Baseline { get; init; }

    /// <summary>The path's exchanges per call at the least (<see cref="BenchPath.Exchanges"/>).</summary>
    public int? Exchanges { get; init; }

    /// <summary>The label of the pub/sub path this path builds on (<see cref="BenchPath.Beneath"/>), or null.</summary>
    public string? Beneath { get; init; }

    /// <summary>State operations (sets and deletes) the state store applied, per call.</summary>
    public double StateWritesPerCall { get; init; }

    /// <summary>Reminder registrations and removals the actor runtime was asked for, per call.</summary>
    public double ReminderCallsPerCall { get; init; }

    /// <summary>Calls to the sidecars' publish APIs, per call (a bulk publish of many messages counts once).</summary>
    public double PublishCallsPerCall { get; init; }

    /// <summary>Messages published, per call.</summary>
    public double PublishedMessagesPerCall { get; init; }

    /// <summary>Lock contentions in the process, per call.</summary>
    public double LockContentionsPerCall { get; init; }

    /// <summary>The thread pool during the run.</summary>
    public ThreadPoolSample Pool { get; init; }

    /// <summary>The machine's 1-minute load average when the run ended.</summary>
    public double LoadAverage { get; init; } = BenchmarkReport.LoadAverage();

    public double CallsPerSecond => Calls / Seconds;

    public static LatencyStats From(string path, int sessions, IReadOnlyList<double> latenciesMs, double seconds, CallCost cost)
    {
        var sorted = latenciesMs.Order().ToArray();
        var calls = Math.Max(1, sorted.Length);
        return new LatencyStats(path, sessions, sorted.Length, seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99),
            cost.CpuMicroseconds / calls, (double)cost.BytesAllocated / calls)
        {
            StateWritesPerCall = (double)cost.Sidecar.StateWrites / calls,
            ReminderCallsPerCall = (double)cost.Sidecar.ReminderCalls / calls,
            PublishCallsPerCall = (double)cost.Sidecar.PublishCalls / calls,
            PublishedMessagesPerCall = (double)cost.Sidecar.PublishedMessages / calls,
            LockContentionsPerCall = (double)cost.LockContentions / calls,
            Pool = cost.Pool,
        };
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
