using Dapr.Workflow;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>
/// An emulated cluster with an actor state store and apps (replicas) that host the test workflows with the real
/// Dapr.Workflow 1.19 SDK (AddDaprWorkflow), each beside its own emulated sidecar.
/// </summary>
public sealed class WorkflowHarness : IAsyncDisposable
{
    public const string AppId = "wf-app";

    private readonly List<EmulatedApp> _apps = [];

    public WorkflowHarness(DaprEmulatorOptions? options = null)
    {
        Emulator = new DaprEmulator(options);
        Emulator.AddComponent("actorstore", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
    }

    public DaprEmulator Emulator { get; }

    public ActivityLedger Ledger { get; } = new();

    /// <summary>Starts a replica of the app; its workflow worker connects to its sidecar.</summary>
    public async Task<EmulatedApp> StartReplicaAsync(string name = "replica-1", string appId = AppId)
    {
        var app = await Emulator.StartAppAsync(appId, (args, configure) =>
        {
            var builder = WebApplication.CreateSlimBuilder(args);
            configure(builder);
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(Ledger);
            builder.Services.AddSingleton(new ReplicaName(name));
            builder.Services.ConfigureAll<GrpcClientFactoryOptions>(o => o.InterceptorRegistrations.Add(
                new InterceptorRegistration(InterceptorScope.Client, _ => new TurnHoldingInterceptor(Ledger, name))));
            builder.Services.AddDaprWorkflow(options =>
            {
                options.RegisterWorkflow<GreetingWorkflow>();
                options.RegisterWorkflow<StepsWorkflow>();
                options.RegisterWorkflow<TimerWorkflow>();
                options.RegisterWorkflow<WaitingWorkflow>();
                options.RegisterWorkflow<ParentWorkflow>();
                options.RegisterWorkflow<WaitingParentWorkflow>();
                options.RegisterWorkflow<MissingChildWorkflow>();
                options.RegisterWorkflow<CounterWorkflow>();
                options.RegisterActivity<GreetActivity>();
                options.RegisterActivity<RecordActivity>();
            });
            return builder.Build();
        }, cancellationToken: TestContext.Current.CancellationToken);
        _apps.Add(app);
        return app;
    }

    /// <summary>The app's workflow client (DaprWorkflowClient from its services).</summary>
    public static DaprWorkflowClient Client(EmulatedApp app) => app.App.Services.GetRequiredService<DaprWorkflowClient>();

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}
