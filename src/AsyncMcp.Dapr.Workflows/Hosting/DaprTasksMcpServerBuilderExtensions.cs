using AsyncMcp.Dapr.Server;
using AsyncMcp.Dapr.Workflows.Hosting;
using AsyncMcp.Dapr.Workflows.Tasks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds MCP tasks, run as Dapr workflows, to an MCP server.</summary>
public static class DaprTasksMcpServerBuilderExtensions
{
    /// <summary>
    /// Lets the server's tools run as MCP tasks: a task-augmented <c>tools/call</c> (2025-11-25 <c>params.task</c>, or a
    /// 2026-07-28 request declaring the <c>io.modelcontextprotocol/tasks</c> extension) becomes a Dapr workflow instance,
    /// answered at once with the task, and served by <c>tasks/get</c>, <c>tasks/result</c>, <c>tasks/list</c>,
    /// <c>tasks/cancel</c> and <c>tasks/update</c>. Mark tools with <see cref="McpTaskAttribute"/> or name them in
    /// <see cref="DaprTasksOptions.Tools"/>. Registers the Dapr Workflow runtime (<c>AddDaprWorkflow</c>) with the
    /// task's workflow and activities.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configure">Sets the options; they are validated when the app starts.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithDaprTasks(this IMcpServerBuilder builder, Action<DaprTasksOptions>? configure = null) =>
        builder.AddDaprTasks(configure, configSectionPath: null);

    /// <summary>
    /// As <see cref="WithDaprTasks(IMcpServerBuilder, Action{DaprTasksOptions}?)"/>, with the options bound from a
    /// configuration section (conventionally <c>Mcp:Tasks</c>) and then changed by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:Tasks</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithDaprTasks(this IMcpServerBuilder builder, string configSectionPath, Action<DaprTasksOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return builder.AddDaprTasks(configure, configSectionPath);
    }

    private static IMcpServerBuilder AddDaprTasks(this IMcpServerBuilder builder, Action<DaprTasksOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<DaprTasksOptions>();
        if (configSectionPath is not null)
        {
            options.BindConfiguration(configSectionPath);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DaprTasksOptions>, DaprTasksOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TaskIds>();
        services.TryAddSingleton<TaskPolicy>();
        services.TryAddSingleton<TaskExecutions>();
        services.AddDaprClient();
        services.TryAddSingleton<TaskRunLedger>();
        services.TryAddSingleton<TaskListeners>();
        services.TryAddSingleton<TaskSubscriptions>();
        services.TryAddSingleton<TaskClientRoute>();
        services.TryAddSingleton<TaskInputRelay>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IUnsolicitedResponseHandler, TaskInputRelay>(sp => sp.GetRequiredService<TaskInputRelay>()));
        services.TryAddSingleton<WorkflowTaskStore>();
        services.TryAddSingleton<ToolTaskRunner>();
        services.TryAddSingleton<TaskCallFilter>();
        services.TryAddSingleton<TaskMethodHandlers>();
        services.TryAddSingleton<TaskMessageFilters>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<McpServerOptions>, TasksServerOptionsSetup>());
        services.AddHostedService<TaskSweeper>();
        services.AddWorkflows(workflows =>
        {
            workflows.RegisterWorkflow<McpToolTaskWorkflow>(McpToolTaskWorkflow.Name);
            workflows.RegisterActivity<RunToolActivity>(RunToolActivity.Name);
            workflows.RegisterActivity<NotifyTaskActivity>(NotifyTaskActivity.Name);
        });
        return builder;
    }
}
