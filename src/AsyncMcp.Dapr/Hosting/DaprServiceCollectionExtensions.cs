using AsyncMcp.Dapr.Transports;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Registrations shared by the server and the client side.</summary>
internal static class DaprServiceCollectionExtensions
{
    /// <summary>Adds validated options, the Dapr client and the envelope publisher.</summary>
    public static IServiceCollection AddMcpDaprCore<TOptions, TValidator>(this IServiceCollection services, Action<TOptions>? configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var options = services.AddOptions<TOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.AddDaprClient();
        services.TryAddSingleton<McpEnvelopeCodec>();
        services.TryAddSingleton<McpEventPublisher>();
        return services;
    }
}
