using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Sessions;
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
    /// Call after <c>WithDaprPubSubTransport()</c>; <c>app.MapMcpPubSub()</c> then also maps the actor endpoints.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddMcpServer()</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IMcpServerBuilder WithActorSessions(this IMcpServerBuilder builder, Action<ActorSessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ActorSessionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.DeduplicationWindow >= 1 && o.InFlightCheckInterval > TimeSpan.Zero && o.ReplayTimeout > TimeSpan.Zero
            && !string.IsNullOrWhiteSpace(o.ActorTypeName) && !string.IsNullOrWhiteSpace(o.StateStoreName),
            "ActorSessionOptions: DeduplicationWindow must be at least 1, InFlightCheckInterval and ReplayTimeout positive, ActorTypeName and StateStoreName set.")
            .ValidateOnStart();

        // The sidecar's HTTP endpoint as Dapr.Client reads it (configuration first, then the environment).
        services.AddOptions<ActorRuntimeOptions>().Configure<IConfiguration, IOptions<ActorSessionOptions>>((runtime, configuration, sessions) =>
        {
            // Dapr.Actors 1.19 leaves HttpEndpoint empty until later, and its own default (DAPR_HTTP_ENDPOINT, then
            // DAPR_HTTP_PORT, which is all `dapr run` sets) ends in '/', which doubles the slash of every actor call.
            var endpoint = configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } configured ? configured
                : string.IsNullOrEmpty(runtime.HttpEndpoint) ? DaprDefaults.GetDefaultHttpEndpoint() : runtime.HttpEndpoint;
            runtime.HttpEndpoint = endpoint.TrimEnd('/');

            runtime.Actors.RegisterActor<SessionActor>(sessions.Value.ActorTypeName);
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
        services.TryAddSingleton<InMemorySessionHost>();
        services.RemoveAll<IMcpSessionHost>();
        services.AddSingleton<ActorSessionHost>();
        services.AddSingleton<IMcpSessionHost>(sp => sp.GetRequiredService<ActorSessionHost>());
        return builder;
    }
}
