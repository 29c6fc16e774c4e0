using AsyncMcp.Dapr.Actors.Hosting;
using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Dapr actor endpoints of MCP sessions hosted as actors.</summary>
public static class ActorSessionsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Dapr actor endpoints (<c>/dapr/config</c>, <c>/actors/…</c>) through which the sidecar runs this app's
    /// session actors. <c>MapMcpPubSub()</c> maps them already; call this on its own in an app that hosts session
    /// actors without serving the request topic. Mapping them twice is harmless: the second call maps nothing.
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>A convention builder covering the actor endpoints (none when they were mapped before).</returns>
    /// <exception cref="InvalidOperationException"><c>WithActorSessions()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapMcpActorSessions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<ActorSessionHost>() is null)
        {
            throw new InvalidOperationException(
                $"Unable to find the services that {nameof(MapMcpActorSessions)}() needs. Call builder.Services.AddMcpServer().WithDaprPubSubTransport().WithActorSessions() in the application's service configuration before app.{nameof(MapMcpActorSessions)}().");
        }

        var mapped = endpoints.ServiceProvider.GetRequiredService<ActorEndpoints>().Map(endpoints);
        return new McpDaprEndpointConventionBuilder(mapped is null ? [] : [mapped]);
    }
}
