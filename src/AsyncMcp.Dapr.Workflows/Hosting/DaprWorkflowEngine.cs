using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AsyncMcp.Dapr.Workflows.Hosting;

/// <summary>
/// The one Dapr Workflow runtime of an app, shared by every feature that runs workflows (tasks, sessions). The SDK's
/// <c>AddDaprWorkflow</c> reads its registrations once, when it is called: a second call would not add its workflows
/// to the worker. So the first feature adds the runtime, and later ones add their workflows to the same options.
/// </summary>
internal static class DaprWorkflowEngine
{
    /// <summary>Adds the runtime if it is not there yet, then the feature's workflows and activities.</summary>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, Action<WorkflowRuntimeOptions> register)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(WorkflowRuntimeOptions))?.ImplementationInstance is WorkflowRuntimeOptions runtime)
        {
            // Registrations are applied to the worker when it is first resolved, after the app is built.
            register(runtime);
        }
        else
        {
            services.AddDaprWorkflow(register);
        }

        // The SDK registers the concrete client; features depend on its interface.
        services.TryAddSingleton<IDaprWorkflowClient>(sp => sp.GetRequiredService<DaprWorkflowClient>());
        return services;
    }
}
