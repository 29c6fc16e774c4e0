using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Workflows.Hosting;
using AsyncMcp.Dapr.Workflows.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts the sessions of a Dapr pub/sub MCP server as Dapr workflow instances.</summary>
public static class WorkflowSessionsMcpServerBuilderExtensions
{
    /// <summary>
    /// Makes every session opened by <c>initialize</c> a Dapr workflow instance (instance id =
    /// <see cref="WorkflowSessionOptions.InstanceIdPrefix"/> + session id) holding the session's record, so that any
    /// number of replicas can serve the server's topic: each session's server runs on the replica that runs its
    /// workflow, survives restarts and moves, and expires when idle through a durable timer. The sessions can be listed,
    /// inspected, terminated and purged with Dapr's workflow tooling. Needs the sidecar's workflow engine (a state store
    /// component with <c>actorStateStore: "true"</c>); the open-session count across replicas is kept by a Dapr actor.
    /// Call after <c>WithDaprPubSubTransport()</c>; <c>app.MapMcpPubSub()</c> then also maps the actor endpoints.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithWorkflowSessions(this IMcpServerBuilder builder, Action<WorkflowSessionOptions>? configure = null) =>
        builder.AddWorkflowSessions(configure, configSectionPath: null);

    /// <summary>
    /// As <see cref="WithWorkflowSessions(IMcpServerBuilder, Action{WorkflowSessionOptions}?)"/>, with the options bound
    /// from a configuration section (conventionally <c>Mcp:Sessions</c>) and then changed by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:Sessions</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithWorkflowSessions(this IMcpServerBuilder builder, string configSectionPath, Action<WorkflowSessionOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return builder.AddWorkflowSessions(configure, configSectionPath);
    }

    private static IMcpServerBuilder AddWorkflowSessions(this IMcpServerBuilder builder, Action<WorkflowSessionOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMcpDaprCore<WorkflowSessionOptions, WorkflowSessionOptionsValidator>(configure, configSectionPath);
        services.AddMcpSessionCounter();
        services.AddWorkflows(workflows =>
        {
            workflows.RegisterWorkflow<SessionWorkflow>(SessionWorkflow.Name);
            workflows.RegisterActivity<EndSessionActivity>(EndSessionActivity.Name);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LiveSessions>();
        services.AddHostedService<LiveSessionSweeper>();

        // Ended instances that nothing else purges (their replica stopped first, or an operator terminated them) leave
        // the store, and give their slot back, within two sweep intervals.
        services.TryAddSingleton<EndedSessions>();
        services.AddHostedService<EndedSessionSweeper>();
        services.RemoveAll<IMcpSessionHost>();
        services.AddSingleton<WorkflowSessionHost>();
        services.AddSingleton<IMcpSessionHost>(sp => sp.GetRequiredService<WorkflowSessionHost>());

        // The servers of the sessions whose turns run here join the app's drain on shutdown.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDrainable, WorkflowSessionsDrain>());
        return builder;
    }
}
