using System.Diagnostics;
using AsyncMcp.Dapr.Emulator;
using Dapr.Workflow;

namespace AsyncMcp.Dapr.WorkflowBenchmarks;

/// <summary>An emulated cluster with one app replica hosting <see cref="BenchWorkflow"/> through Dapr.Workflow's AddDaprWorkflow.</summary>
internal sealed class WorkflowBench : IAsyncDisposable
{
    private const string AppId = "wf-bench";
    private readonly DaprEmulator _emulator;
    private readonly EmulatedApp _app;
    private readonly ActivityStarts _starts;
    private int _runs;

    private WorkflowBench(DaprEmulator emulator, EmulatedApp app, ActivityStarts starts)
    {
        _emulator = emulator;
        _app = app;
        _starts = starts;
        Client = app.App.Services.GetRequiredService<DaprWorkflowClient>();
    }

    public DaprWorkflowClient Client { get; }

    public static async Task<WorkflowBench> StartAsync()
    {
        var verbose = Environment.GetEnvironmentVariable("WF_BENCH_LOG") is "1";
        var emulator = new DaprEmulator(new DaprEmulatorOptions
        {
            RecordPublished = false,
            LoggerFactory = verbose ? LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.TimestampFormat = "HH:mm:ss.fff "; o.SingleLine = true; }).SetMinimumLevel(LogLevel.Information)) : null,
        });
        emulator.AddComponent("actorstore", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        var starts = new ActivityStarts();
        var app = await emulator.StartAppAsync(AppId, (args, configure) =>
        {
            var builder = WebApplication.CreateSlimBuilder(args);
            configure(builder);
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(starts);
            builder.Services.AddDaprWorkflow(options =>
            {
                options.RegisterWorkflow<BenchWorkflow>();
                options.RegisterActivity<MarkActivity>();
            });
            return builder.Build();
        });
        return new WorkflowBench(emulator, app, starts);
    }

    public async Task<string> StartInstanceAsync(string name)
    {
        var id = $"{name}-{Interlocked.Increment(ref _runs)}";
        await Client.ScheduleNewWorkflowAsync(nameof(BenchWorkflow), id, 0);
        return id;
    }

    /// <summary>Raises one step and returns the milliseconds until its activity started and until its custom status was committed.</summary>
    public async Task<(double Activity, double Status)> RaiseAndMeasureAsync(string instance, int step)
    {
        var workflows = _emulator.WorkflowsOf(AppId);
        var started = _starts.WhenStarted(instance, step);
        var expected = step.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var begin = Stopwatch.GetTimestamp();
        await Client.RaiseEventAsync(instance, "step", step);
        var status = workflows.WaitAsync(instance, s => s.CustomStatus == expected);
        var activityAt = await started;
        await status;
        var statusAt = Stopwatch.GetTimestamp();
        return (Stopwatch.GetElapsedTime(begin, activityAt).TotalMilliseconds, Stopwatch.GetElapsedTime(begin, statusAt).TotalMilliseconds);
    }

    public async Task<Rate> ThroughputAsync(int instances, int eventsPerInstance)
    {
        var ids = new List<string>();
        for (var i = 0; i < instances; i++)
        {
            ids.Add(await StartInstanceAsync($"rate{instances}"));
        }

        var workflows = _emulator.WorkflowsOf(AppId);
        var last = eventsPerInstance.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(ids.Select(async id =>
        {
            for (var step = 1; step <= eventsPerInstance; step++)
            {
                await Client.RaiseEventAsync(id, "step", step);
            }

            await workflows.WaitAsync(id, s => s.CustomStatus == last);
        }));
        clock.Stop();
        var events = instances * eventsPerInstance;
        return new Rate(events, clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    internal sealed record Rate(int Events, double Seconds, double CpuMilliseconds)
    {
        public double EventsPerSecond => Events / Seconds;
    }
}
