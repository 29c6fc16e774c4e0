using AsyncMcp.Dapr.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AsyncMcp.Dapr.Actors.Hosting;

/// <summary>
/// The Dapr actor endpoints (<c>/dapr/config</c>, <c>/actors/…</c>) of an app whose sessions, or session count, live in
/// actors: mapped once, by <c>MapMcpPubSub()</c> or <c>MapMcpActorSessions()</c>, whichever comes first.
/// </summary>
internal sealed class ActorEndpoints : IMcpDaprEndpointContributor
{
    private int _mapped;

    public IEndpointConventionBuilder? Map(IEndpointRouteBuilder endpoints) =>
        Interlocked.Exchange(ref _mapped, 1) == 0 ? endpoints.MapActorsHandlers() : null;
}
