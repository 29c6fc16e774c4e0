using AsyncMcp.Dapr.Actors.Hosting;
using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Sessions;
using Dapr;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts the sessions of a Dapr pub/sub MCP server as Dapr actors.</summary>
public static class ActorSessionsMcpServerBuilderExtensions
{
    /// <summary>
    /// Makes every session opened by <c>initialize</c> a Dapr actor, so that any number of replicas can serve the
    /// server's topic: each session lives on one replica, survives restarts and moves, and expires when idle. Needs a
    /// state store component with <c>actorStateStore: "true"</c> (<see cref="ActorSessionOptions.StateStoreName"/>).
    /// Call after <c>WithDaprPubSubTransport()</c>; <c>app.MapMcpPubSub()</c> then also maps the actor endpoints (or map
    /// them alone with <c>app.MapMcpActorSessions()</c>).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithActorSessions(this IMcpServerBuilder builder, Action<ActorSessionOptions>? configure = null) =>
        builder.AddActorSessions(configure, configSectionPath: null);

    /// <summary>
    /// As <see cref="WithActorSessions(IMcpServerBuilder, Action{ActorSessionOptions}?)"/>, with the options bound from a
    /// configuration section (conventionally <see cref="McpDaprConfiguration.SessionsSection"/>) and then changed by
    /// <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configSectionPath">The configuration section to bind, e.g. <c>Mcp:Sessions</c>.</param>
    /// <param name="configure">Further changes to the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithActorSessions(this IMcpServerBuilder builder, string configSectionPath, Action<ActorSessionOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        return builder.AddActorSessions(configure, configSectionPath);
    }

    private static IMcpServerBuilder AddActorSessions(this IMcpServerBuilder builder, Action<ActorSessionOptions>? configure, string? configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMcpDaprCore<ActorSessionOptions, ActorSessionOptionsValidator>(configure, configSectionPath);

        services.AddMcpSessionCounter();
        services.AddOptions<ActorRuntimeOptions>().Configure<IOptions<ActorSessionOptions>>((runtime, sessions) =>
            runtime.Actors.RegisterActor<SessionActor>(sessions.Value.ActorTypeName));
        services.RemoveAll<IMcpSessionHost>();
        services.AddSingleton<ActorSessionHost>();
        services.AddSingleton<IMcpSessionHost>(sp => sp.GetRequiredService<ActorSessionHost>());

        // The servers of the session actors active here join the app's drain on shutdown.
        services.TryAddSingleton<ActorSessionsDrain>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDrainable, ActorSessionsDrain>(sp => sp.GetRequiredService<ActorSessionsDrain>()));
        return builder;
    }

    /// <summary>
    /// Registers the open-session count shared by the replicas (<see cref="SessionCounterActor"/>, actor type
    /// <c>{ActorTypeName}Counter</c>) as the session cap, with the Dapr actor runtime it runs on. Durable hosts share it.
    /// </summary>
    internal static IServiceCollection AddMcpSessionCounter(this IServiceCollection services)
    {
        // The sidecar's HTTP endpoint as Dapr.Client reads it (configuration first, then the environment).
        services.AddOptions<ActorRuntimeOptions>().Configure<IConfiguration, IOptions<ActorSessionOptions>>((runtime, configuration, sessions) =>
        {
            // Dapr.Actors 1.19 leaves HttpEndpoint empty until later, and its own default (DAPR_HTTP_ENDPOINT, then
            // DAPR_HTTP_PORT, which is all `dapr run` sets) ends in '/', which doubles the slash of every actor call.
            var endpoint = configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } configured ? configured
                : string.IsNullOrEmpty(runtime.HttpEndpoint) ? DaprDefaults.GetDefaultHttpEndpoint() : runtime.HttpEndpoint;
            runtime.HttpEndpoint = endpoint.TrimEnd('/');

            runtime.Actors.RegisterActor<SessionCounterActor>(SessionCounter.ActorTypeName(sessions.Value));
        });

        // Registered before AddActors, whose TryAdd then keeps this one: proxies must use the same endpoint.
        services.TryAddSingleton<IActorProxyFactory>(sp =>
        {
            var runtime = sp.GetRequiredService<IOptions<ActorRuntimeOptions>>().Value;
            return new ActorProxyFactory(new ActorProxyOptions { HttpEndpoint = runtime.HttpEndpoint, JsonSerializerOptions = runtime.JsonSerializerOptions });
        });
        services.AddActors(_ => { });
        services.TryAddSingleton<SessionCounter>();
        services.TryAddSingleton<ActorEndpoints>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMcpDaprEndpointContributor, ActorEndpoints>(sp => sp.GetRequiredService<ActorEndpoints>()));
        services.RemoveAll<ISessionCap>();
        services.AddSingleton<ISessionCap>(sp => sp.GetRequiredService<SessionCounter>());
        return services;
    }
}
