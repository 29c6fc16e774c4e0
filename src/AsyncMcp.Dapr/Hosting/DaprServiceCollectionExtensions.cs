using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Registrations shared by every feature of the library.</summary>
internal static class DaprServiceCollectionExtensions
{
    /// <summary>
    /// Adds options validated at start-up (bound from <paramref name="configSectionPath"/> if given, then changed by
    /// <paramref name="configure"/>), the Dapr client, the clock, the envelope codec and publisher, and the app-id default.
    /// </summary>
    public static IServiceCollection AddMcpDaprCore<TOptions, TValidator>(
        this IServiceCollection services, Action<TOptions>? configure, string? configSectionPath = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        // First, so that the app-id default runs before the app's own configuration of the options.
        services.AddMcpDaprShared();
        var options = services.AddOptions<TOptions>();
        if (configSectionPath is not null)
        {
            options.BindConfiguration(configSectionPath);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services;
    }

    /// <summary>The Dapr client, the clock, the metrics, the envelope codec and publisher, and the app-id default.</summary>
    public static IServiceCollection AddMcpDaprShared(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<DaprPubSubServerOptions>, AppIdConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<DaprPubSubClientOptions>, AppIdConfiguration>());
        services.AddDaprClient();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<McpDaprMetrics>();
        services.TryAddSingleton<McpEnvelopeCodec>();
        services.TryAddSingleton<McpEventPublisher>();
        services.AddOptions<McpPublishOptions>().BindConfiguration(McpPublishOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpPublishOptions>, McpPublishOptionsValidator>());

        // One drain per app, whatever mix of server and client it is (see McpDrain).
        services.AddOptions<McpShutdownOptions>().BindConfiguration(McpShutdownOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpShutdownOptions>, McpShutdownOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(McpDrain)))
        {
            services.AddSingleton<DrainState>();
            services.AddSingleton<McpDrain>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<McpDrain>());
        }

        return services;
    }
}
